import Foundation
import Sandbox
import Testing

@Suite("Klaviyo bulk profile import simulator")
struct KlaviyoSimulatorTests {
    /// Jobs processed as they are accepted: these tests are about what an import does, not when.
    static var immediate: SandboxConfiguration {
        var configuration = SandboxConfiguration()
        configuration.klaviyo.processingDelay = .zero
        return configuration
    }

    static let key = "pk_sandbox_klaviyo_private_key"
    static let headers = ["Authorization": "Klaviyo-API-Key \(key)", "revision": "2025-01-15"]

    static func job(_ profiles: [[String: Any]]) -> [String: Any] {
        ["data": ["type": "profile-bulk-import-job", "attributes": ["profiles": ["data": profiles.map { ["type": "profile", "attributes": $0] }]]]]
    }

    @Test("a missing, malformed or wrong key is 401 and a missing revision 400, with JSON:API errors; nothing is imported")
    func authentication() async throws {
        try await withSandbox(Self.immediate) { sandbox, client in
            let body = Self.job([["email": "a@example.com"]])
            let missing = try await client.json("/klaviyo/api/profile-bulk-import-jobs", body, headers: ["revision": "2025-01-15"])
            #expect(missing.status == 401)
            #expect(string(missing.json, "errors", 0, "code") == "not_authenticated")
            let bearer = try await client.json("/klaviyo/api/profile-bulk-import-jobs", body,
                                               headers: ["Authorization": "Bearer \(Self.key)", "revision": "2025-01-15"])
            #expect(bearer.status == 401)
            let wrong = try await client.json("/klaviyo/api/profile-bulk-import-jobs", body,
                                              headers: ["Authorization": "Klaviyo-API-Key pk_wrong", "revision": "2025-01-15"])
            #expect(wrong.status == 401)
            #expect(string(wrong.json, "errors", 0, "code") == "authentication_failed")
            let noRevision = try await client.json("/klaviyo/api/profile-bulk-import-jobs", body, headers: ["Authorization": "Klaviyo-API-Key \(Self.key)"])
            #expect(noRevision.status == 400)
            #expect(sandbox.marketingProfiles().isEmpty)
            #expect(sandbox.ledger.count(.klaviyo, .profileUpserted) == 0)
        }
    }

    @Test("an import upserts by email: 202 with a complete job, a second import updates the same contact")
    func upsertByEmail() async throws {
        try await withSandbox(Self.immediate) { sandbox, client in
            let first = try await client.json("/klaviyo/api/profile-bulk-import-jobs", Self.job([
                ["email": "Ada@Example.com", "first_name": "Ada", "external_id": "c-1", "properties": ["last_order_id": "SO-1"]],
                ["email": "bob@example.com", "first_name": "Bob"],
            ]), headers: Self.headers)
            #expect(first.status == 202)
            #expect(string(first.json, "data", "type") == "profile-bulk-import-job")
            #expect(string(first.json, "data", "attributes", "status") == "complete")
            #expect(value(first.json, "data", "attributes", "total_count") as? Int == 2)
            let jobID = try #require(string(first.json, "data", "id"))

            let second = try await client.json("/klaviyo/api/profile-bulk-import-jobs", Self.job([
                ["email": "ada@example.com", "last_name": "Lovelace", "properties": ["last_order_id": "SO-7"]],
            ]), headers: Self.headers)
            #expect(second.status == 202)

            let contacts = sandbox.marketingProfiles()
            #expect(contacts.map(\.email) == ["ada@example.com", "bob@example.com"])
            let ada = try #require(contacts.first)
            #expect(ada.firstName == "Ada")          // not cleared by an import that left it out
            #expect(ada.lastName == "Lovelace")
            #expect(ada.externalID == "c-1")
            #expect(ada.properties["last_order_id"] == "SO-7")
            #expect(ada.imports == 2)
            #expect(sandbox.ledger.count(.klaviyo, .profileUpserted, reference: "ada@example.com", detail: "created") == 1)
            #expect(sandbox.ledger.count(.klaviyo, .profileUpserted, reference: "ada@example.com", detail: "updated") == 1)
            #expect(sandbox.ledger.count(.klaviyo, .profileUpserted, idempotencyKey: jobID) == 2)

            let read = try await client.send(.GET, "/klaviyo/api/profile-bulk-import-jobs/\(jobID)", headers: Self.headers)
            #expect(read.status == 200)
            #expect(value(read.json, "data", "attributes", "completed_count") as? Int == 2)
            let overHTTP = try await client.send(.GET, "/sandbox/klaviyo/profiles")
            #expect(try JSONDecoder().decode([MarketingContact].self, from: Data(overHTTP.body)) == contacts)
        }
    }

    @Test("more profiles than the job limit, a profile without email, or a body over the size limit are refused whole")
    func limits() async throws {
        var configuration = Self.immediate
        configuration.klaviyo.maxProfilesPerJob = 3
        configuration.klaviyo.maxPayloadBytes = 2000
        try await withSandbox(configuration) { sandbox, client in
            let tooMany = try await client.json("/klaviyo/api/profile-bulk-import-jobs",
                                                Self.job((1...4).map { ["email": "p\($0)@example.com"] }), headers: Self.headers)
            #expect(tooMany.status == 400)
            #expect(string(tooMany.json, "errors", 0, "source", "pointer") == "/data/attributes/profiles/data")
            let noEmail = try await client.json("/klaviyo/api/profile-bulk-import-jobs",
                                                Self.job([["email": "ok@example.com"], ["first_name": "Nobody"]]), headers: Self.headers)
            #expect(noEmail.status == 400)
            #expect(string(noEmail.json, "errors", 0, "source", "pointer") == "/data/attributes/profiles/data/1/attributes/email")
            let large = try await client.json("/klaviyo/api/profile-bulk-import-jobs",
                                              Self.job([["email": "big@example.com", "properties": ["notes": String(repeating: "x", count: 3000)]]]),
                                              headers: Self.headers)
            #expect(large.status == 413)
            #expect(sandbox.marketingProfiles().isEmpty)
            #expect(sandbox.profileImportJobs().isEmpty)
        }
    }

    @Test("over the burst limit within one second the platform answers 429 with Retry-After and imports nothing")
    func burstLimit() async throws {
        var configuration = Self.immediate
        configuration.klaviyo.jobsPerSecond = 2
        let frozen = Date(timeIntervalSince1970: 1_800_000_000)
        configuration.clock = SandboxClock { frozen }
        try await withSandbox(configuration) { sandbox, client in
            var statuses: [Int] = []
            var retryAfter: String?
            for index in 1...3 {
                let answer = try await client.json("/klaviyo/api/profile-bulk-import-jobs", Self.job([["email": "p\(index)@example.com"]]),
                                                   headers: Self.headers)
                statuses.append(answer.status)
                if answer.status == 429 { retryAfter = answer.header("Retry-After") }
            }
            #expect(statuses == [202, 202, 429])
            #expect(retryAfter == "1")
            #expect(sandbox.marketingProfiles().map(\.email) == ["p1@example.com", "p2@example.com"])
        }
    }

    @Test("injected faults: 429 with Retry-After and the platform's error body, then service again")
    func injectedRateLimit() async throws {
        try await withSandbox(Self.immediate) { sandbox, client in
            sandbox.faults.set(FaultSettings(rateLimitRate: 1, retryAfterSeconds: 7), for: .klaviyo)
            let throttled = try await client.json("/klaviyo/api/profile-bulk-import-jobs", Self.job([["email": "a@example.com"]]), headers: Self.headers)
            #expect(throttled.status == 429)
            #expect(throttled.header("Retry-After") == "7")
            #expect(string(throttled.json, "errors", 0, "code") == "throttled")
            sandbox.faults.set(.none, for: .klaviyo)
            let served = try await client.json("/klaviyo/api/profile-bulk-import-jobs", Self.job([["email": "a@example.com"]]), headers: Self.headers)
            #expect(served.status == 202)
            #expect(sandbox.marketingProfiles().count == 1)
        }
    }
}
