import Foundation
import Hummingbird
import Synchronization

/// The simulated email-marketing platform (Klaviyo, INT-008) under `/klaviyo`:
/// `POST /api/profile-bulk-import-jobs` upserts contacts by email (the natural key, so importing
/// the same profile again updates it instead of creating a second contact) and answers 202 with
/// the job; `GET /api/profile-bulk-import-jobs/{id}` reads a job back.
///
/// Like Klaviyo: `Authorization: Klaviyo-API-Key <private key>` (401 `not_authenticated` /
/// `authentication_failed`), a required `revision` header, JSON:API bodies, at most
/// `maxProfilesPerJob` profiles and `maxPayloadBytes` per job (400 / 413), a burst limit answered
/// with 429 and `Retry-After`, and each profile needing an email. Unlike Klaviyo the import runs
/// before the answer, so the job is `complete` at once. Every contact created or updated is an
/// effect in the ledger (`profileUpserted`).
final class KlaviyoSimulator: Sendable {
    private struct State {
        var contacts: [String: MarketingContact] = [:]
        var jobs: [ProfileImportJobRecord] = []
        var nextProfile = 1
        var window: (second: Int, count: Int) = (0, 0)
    }

    private let configuration: SandboxConfiguration.Klaviyo
    private let ledger: EffectLedger
    private let clock: SandboxClock
    private let state = Mutex(State())

    init(configuration: SandboxConfiguration.Klaviyo, ledger: EffectLedger, clock: SandboxClock) {
        self.configuration = configuration
        self.ledger = ledger
        self.clock = clock
    }

    func reset() {
        state.withLock { $0 = State() }
    }

    func contacts() -> [MarketingContact] {
        state.withLock { $0.contacts.values.sorted { $0.email < $1.email } }
    }

    func jobs() -> [ProfileImportJobRecord] {
        state.withLock { $0.jobs }
    }

    func addRoutes(to group: RouterGroup<SandboxRequestContext>) {
        group.post("api/profile-bulk-import-jobs") { request, _ in try await self.importProfiles(request) }
        group.get("api/profile-bulk-import-jobs/:id") { request, context in
            if let refusal = self.authenticate(request) { return refusal }
            let id = context.parameters.get("id") ?? ""
            guard let job = self.state.withLock({ $0.jobs.first { $0.id == id } }) else {
                return KlaviyoError.response(status: .notFound, code: "not_found", title: "Not found.",
                                             detail: "A profile-bulk-import-job with id \(id) does not exist.")
            }
            return .json(self.document(job))
        }
    }

    private func authenticate(_ request: Request) -> Response? {
        guard let value = request.header("Authorization") else { return KlaviyoError.notAuthenticated() }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0] == "Klaviyo-API-Key" else { return KlaviyoError.notAuthenticated() }
        guard configuration.apiKeys.contains(parts[1].trimmingCharacters(in: .whitespaces)) else { return KlaviyoError.authenticationFailed() }
        guard let revision = request.header("revision"), !revision.isEmpty else {
            return KlaviyoError.invalid("The revision header is required (e.g. revision: 2025-01-15).")
        }
        return nil
    }

    private func importProfiles(_ request: Request) async throws -> Response {
        var request = request
        if let refusal = authenticate(request) { return refusal }
        let bytes = try await request.bodyBytes(limit: configuration.maxPayloadBytes + 1024 * 1024)
        guard bytes.count <= configuration.maxPayloadBytes else {
            return KlaviyoError.response(status: .contentTooLarge, code: "payload_too_large", title: "Payload too large.",
                                         detail: "The request body must be at most \(configuration.maxPayloadBytes) bytes.")
        }
        guard let json = try? JSONValue.parse(bytes), json["data"]?["type"]?.stringValue == "profile-bulk-import-job",
            let profiles = json["data"]?["attributes"]?["profiles"]?["data"]?.arrayValue
        else {
            return KlaviyoError.invalid("Expected {\"data\": {\"type\": \"profile-bulk-import-job\", \"attributes\": {\"profiles\": {\"data\": [...]}}}}.",
                                        pointer: "/data")
        }
        guard !profiles.isEmpty, profiles.count <= configuration.maxProfilesPerJob else {
            return KlaviyoError.invalid("A job must carry 1 to \(configuration.maxProfilesPerJob) profiles; got \(profiles.count).",
                                        pointer: "/data/attributes/profiles/data")
        }
        for (index, profile) in profiles.enumerated() {
            guard profile["type"]?.stringValue == "profile", let email = profile["attributes"]?["email"]?.stringValue,
                email.contains("@"), !email.contains(" ")
            else {
                return KlaviyoError.invalid("Each profile needs type \"profile\" and a valid email.",
                                            pointer: "/data/attributes/profiles/data/\(index)/attributes/email")
            }
        }
        let second = clock.unixSeconds
        let now = clock.iso8601()
        let outcome: ProfileImportJobRecord? = state.withLock { state in
            if let limit = configuration.jobsPerSecond {
                if state.window.second != second { state.window = (second, 0) }
                guard state.window.count < limit else { return nil }
                state.window.count += 1
            }
            let jobID = "job_" + String(state.jobs.count + 1) + "_" + String(UUID().uuidString.prefix(8)).lowercased()
            var emails: [String] = []
            for profile in profiles {
                let attributes = profile["attributes"] ?? .object([:])
                let email = (attributes["email"]?.stringValue ?? "").lowercased()
                emails.append(email)
                var properties: [String: String] = [:]
                for (key, value) in attributes["properties"]?.objectValue ?? [:] { properties[key] = value.stringValue ?? value.boolValue.map { $0 ? "true" : "false" } }
                let created: Bool
                var contact: MarketingContact
                if let existing = state.contacts[email] {
                    contact = existing
                    created = false
                } else {
                    contact = MarketingContact(id: String(format: "01SANDBOX%08d", state.nextProfile), email: email, externalID: nil,
                                               firstName: nil, lastName: nil, properties: [:], imports: 0, createdAt: now, updatedAt: now)
                    state.nextProfile += 1
                    created = true
                }
                // An upsert: only fields sent with a value change (Klaviyo never clears a field from a bulk import).
                if let value = attributes["external_id"]?.stringValue { contact.externalID = value }
                if let value = attributes["first_name"]?.stringValue { contact.firstName = value }
                if let value = attributes["last_name"]?.stringValue { contact.lastName = value }
                contact.properties.merge(properties) { _, new in new }
                contact.imports += 1
                contact.updatedAt = now
                state.contacts[email] = contact
                ledger.record(.klaviyo, .profileUpserted, resource: contact.id, idempotencyKey: jobID, reference: email,
                              detail: created ? "created" : "updated")
            }
            let job = ProfileImportJobRecord(id: jobID, status: "complete", totalCount: profiles.count, completedCount: profiles.count,
                                             failedCount: 0, emails: emails, createdAt: now)
            state.jobs.append(job)
            return job
        }
        guard let job = outcome else { return KlaviyoError.throttled(retryAfterSeconds: 1) }
        return .json(document(job), status: .accepted)
    }

    private func document(_ job: ProfileImportJobRecord) -> JSONValue {
        [
            "data": [
                "type": "profile-bulk-import-job",
                "id": .string(job.id),
                "attributes": [
                    "status": .string(job.status), "created_at": .string(job.createdAt), "total_count": .int(job.totalCount),
                    "completed_count": .int(job.completedCount), "failed_count": .int(job.failedCount),
                    "completed_at": .string(job.createdAt), "started_at": .string(job.createdAt),
                ],
                "links": ["self": .string("/api/profile-bulk-import-jobs/\(job.id)")],
            ],
        ]
    }
}
