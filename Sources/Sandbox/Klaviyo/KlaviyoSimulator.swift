import Foundation
import Hummingbird
import Synchronization

/// The simulated email-marketing platform (Klaviyo, INT-008) under `/klaviyo`:
/// `POST /api/profile-bulk-import-jobs` accepts a job (202, `queued`), `GET
/// /api/profile-bulk-import-jobs/{job_id}` reads it back, and `GET
/// /api/profile-bulk-import-jobs/{id}/import-errors` lists the profiles it could not import
/// (paged by `page[size]` and `page[cursor]`).
///
/// Like Klaviyo: `Authorization: Klaviyo-API-Key <private key>` (401 `not_authenticated` /
/// `authentication_failed`), a required `revision` header, JSON:API bodies, at most
/// `maxProfilesPerJob` profiles and `maxPayloadBytes` per job (400 / 413), a burst limit answered
/// with 429 and `Retry-After`. A request whose shape is wrong is refused whole (400); a profile
/// whose email is not an address is accepted with the job and fails when the job is processed,
/// as an import error. Jobs are processed `processingDelay` after they were accepted (when anyone
/// looks: a read of the job, its errors, or the contacts); contacts are upserted by email (the
/// natural key) then, each an effect in the ledger (`profileUpserted`).
final class KlaviyoSimulator: Sendable {
    private struct State {
        var contacts: [String: MarketingContact] = [:]
        var jobs: [ProfileImportJobRecord] = []
        /// The profiles of jobs not processed yet, with when they were accepted.
        var queued: [String: (profiles: [JSONValue], acceptedAt: Date)] = [:]
        var importErrors: [String: [ProfileImportErrorRecord]] = [:]
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
        processDueJobs()
        return state.withLock { $0.contacts.values.sorted { $0.email < $1.email } }
    }

    func jobs() -> [ProfileImportJobRecord] {
        processDueJobs()
        return state.withLock { $0.jobs }
    }

    func addRoutes(to group: RouterGroup<SandboxRequestContext>) {
        group.post("api/profile-bulk-import-jobs") { request, _ in try await self.importProfiles(request) }
        group.get("api/profile-bulk-import-jobs/:id") { request, context in
            if let refusal = self.authenticate(request) { return refusal }
            self.processDueJobs()
            let id = context.parameters.get("id") ?? ""
            guard let job = self.state.withLock({ $0.jobs.first { $0.id == id } }) else { return Self.noSuchJob(id) }
            return .jsonAPI(self.document(job))
        }
        group.get("api/profile-bulk-import-jobs/:id/import-errors") { request, context in
            if let refusal = self.authenticate(request) { return refusal }
            self.processDueJobs()
            let id = context.parameters.get("id") ?? ""
            return self.importErrors(id, request: request)
        }
    }

    private static func noSuchJob(_ id: String) -> Response {
        KlaviyoError.response(status: .notFound, code: "not_found", title: "Not found.",
                              detail: "A profile-bulk-import-job with id \(id) does not exist.")
    }

    private func authenticate(_ request: Request) -> Response? {
        guard let value = request.header("Authorization") else { return KlaviyoError.notAuthenticated() }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0] == "Klaviyo-API-Key" else { return KlaviyoError.notAuthenticated() }
        guard configuration.apiKeys.contains(parts[1].trimmingCharacters(in: .whitespaces)) else { return KlaviyoError.authenticationFailed() }
        guard let revision = request.header("revision"), !revision.isEmpty else {
            return KlaviyoError.invalid("The revision header is required (e.g. revision: 2026-07-15).")
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
            guard profile["type"]?.stringValue == "profile", profile["attributes"]?["email"]?.stringValue != nil else {
                return KlaviyoError.invalid("Each profile needs type \"profile\" and an email.",
                                            pointer: "/data/attributes/profiles/data/\(index)/attributes/email")
            }
        }
        let second = clock.unixSeconds
        let accepted: ProfileImportJobRecord? = state.withLock { state in
            if let limit = configuration.jobsPerSecond {
                if state.window.second != second { state.window = (second, 0) }
                guard state.window.count < limit else { return nil }
                state.window.count += 1
            }
            let jobID = "job_" + String(state.jobs.count + 1) + "_" + String(UUID().uuidString.prefix(8)).lowercased()
            let emails = profiles.map { ($0["attributes"]?["email"]?.stringValue ?? "").lowercased() }
            let job = ProfileImportJobRecord(id: jobID, status: "queued", totalCount: profiles.count, completedCount: 0,
                                             failedCount: 0, emails: emails, createdAt: clock.iso8601(), completedAt: nil)
            state.jobs.append(job)
            state.queued[jobID] = (profiles, clock.now)
            return job
        }
        guard let job = accepted else { return KlaviyoError.throttled(retryAfterSeconds: 1) }
        if configuration.processingDelay == .zero { processDueJobs() }
        return .jsonAPI(document(state.withLock { $0.jobs.first { $0.id == job.id } } ?? job), status: .accepted)
    }

    /// Imports every job whose `processingDelay` has passed: each profile with a valid email is
    /// upserted by email; each other one becomes an import error.
    private func processDueJobs() {
        let now = clock.now
        let delay = Double(configuration.processingDelay.components.seconds) + Double(configuration.processingDelay.components.attoseconds) / 1e18
        state.withLock { state in
            for (jobID, queued) in state.queued where now.timeIntervalSince(queued.acceptedAt) >= delay {
                state.queued[jobID] = nil
                guard let index = state.jobs.firstIndex(where: { $0.id == jobID }) else { continue }
                var failures: [ProfileImportErrorRecord] = []
                for (position, profile) in queued.profiles.enumerated() {
                    let attributes = profile["attributes"] ?? .object([:])
                    let email = (attributes["email"]?.stringValue ?? "").lowercased()
                    guard Self.isAddress(email) else {
                        failures.append(ProfileImportErrorRecord(
                            id: UUID().uuidString.lowercased(), code: "invalid", title: "Invalid input.",
                            detail: "Invalid email address: '\(email)'.", pointer: "/data/attributes/profiles/data/\(position)/attributes/email",
                            originalPayload: profile))
                        continue
                    }
                    upsertLocked(&state, email: email, attributes: attributes, jobID: jobID)
                }
                state.jobs[index].status = "complete"
                state.jobs[index].failedCount = failures.count
                state.jobs[index].completedCount = queued.profiles.count - failures.count
                state.jobs[index].completedAt = clock.iso8601()
                state.importErrors[jobID] = failures
            }
        }
    }

    /// One `@`, something on both sides, a dot in the domain, no spaces.
    private static func isAddress(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
            && !email.contains(" ")
    }

    /// An upsert: only fields sent with a value change (Klaviyo never clears a field from a bulk import).
    private func upsertLocked(_ state: inout State, email: String, attributes: JSONValue, jobID: String) {
        let now = clock.iso8601()
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

    /// One page of a job's import errors: `page[size]` 1…100 (default 20), `page[cursor]` an
    /// offset this simulator hands out in `links.next`.
    private func importErrors(_ jobID: String, request: Request) -> Response {
        let query = request.queryFields
        let size = query["page[size]"].map { Int($0) } ?? 20
        guard let size, (1...100).contains(size) else {
            return KlaviyoError.invalid("page[size] must be 1 to 100.", pointer: "page[size]")
        }
        let offset = query["page[cursor]"].flatMap { Int($0) } ?? 0
        let found: [ProfileImportErrorRecord]? = state.withLock { state in
            guard state.jobs.contains(where: { $0.id == jobID }) else { return nil }
            return state.importErrors[jobID] ?? []
        }
        guard let found else { return Self.noSuchJob(jobID) }
        let page = found.dropFirst(offset).prefix(size)
        var links: [String: JSONValue] = ["self": .string("/api/profile-bulk-import-jobs/\(jobID)/import-errors")]
        if offset + page.count < found.count {
            links["next"] = .string("/api/profile-bulk-import-jobs/\(jobID)/import-errors?page%5Bsize%5D=\(size)&page%5Bcursor%5D=\(offset + page.count)")
        }
        return .jsonAPI([
            "data": .array(page.map { error in
                [
                    "type": "import-error", "id": .string(error.id),
                    "attributes": [
                        "code": .string(error.code), "title": .string(error.title), "detail": .string(error.detail),
                        "source": ["pointer": .string(error.pointer)], "original_payload": error.originalPayload,
                    ],
                ]
            }),
            "links": .object(links),
        ])
    }

    private func document(_ job: ProfileImportJobRecord) -> JSONValue {
        [
            "data": [
                "type": "profile-bulk-import-job",
                "id": .string(job.id),
                "attributes": [
                    "status": .string(job.status), "created_at": .string(job.createdAt), "total_count": .int(job.totalCount),
                    "completed_count": .int(job.completedCount), "failed_count": .int(job.failedCount),
                    "completed_at": .string(job.completedAt), "started_at": .string(job.completedAt),
                ],
                "links": ["self": .string("/api/profile-bulk-import-jobs/\(job.id)")],
            ],
        ]
    }
}
