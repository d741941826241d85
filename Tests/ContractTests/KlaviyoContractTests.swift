import Foundation
import Integrations
import Sandbox
import Sundial
import Testing

/// Klaviyo against `klaviyo.profile-bulk-import.json` (API revision 2026-07-15).
///
/// Decisions where the document and Klaviyo's prose differ:
/// - Limits (10,000 profiles, 5 MB per job, 100 KB per profile) are prose only; the client
///   enforces the profile count before sending and the simulator enforces count and size.
/// - `Authorization: Klaviyo-API-Key …` is an apiKey scheme on the `Authorization` header: the
///   credentials check asserts the header is there; its prefix is asserted here.
/// - The client pins `revision` to the document's revision.
@Suite("Klaviyo: requests and answers against Klaviyo's own OpenAPI document")
struct KlaviyoContractTests {
    static let document = "klaviyo.profile-bulk-import.json"

    @Test("hand a batch over, follow the job, read its import errors; errors and throttling conform too")
    func everyExchangeConforms() async throws {
        let checker = try ContractChecker(vendor: "Klaviyo", documents: [Self.document])
        var configuration = SandboxConfiguration()
        configuration.klaviyo.processingDelay = .milliseconds(100)
        let exchanges = try await RecordedSandbox.record(.klaviyo, configuration) { sandbox in
            let klaviyo = KlaviyoClient(httpClient: sandbox.http, configuration: ClientConfiguration(
                baseURL: sandbox.baseURL(for: .klaviyo), credentials: KlaviyoCredentials(apiKey: Secret("pk_sandbox_klaviyo_private_key")),
                timeout: .seconds(10)))
            let receipt = try await klaviyo.upsertProfiles([
                MarketingProfile(email: "ada@example.com", externalID: "c-1", firstName: "Ada", lastName: "Lovelace", properties: ["last_order_id": "SO-1"]),
                MarketingProfile(email: "root@localhost"),
                MarketingProfile(email: "bad@nowhere"),
            ])
            var job = try await klaviyo.importJob(id: receipt.jobID)
            for _ in 0..<100 where !job.isFinished {
                try await Task.sleep(for: .milliseconds(50))
                job = try await klaviyo.importJob(id: receipt.jobID)
            }
            #expect(job.failedCount == 2)
            let failures = try await klaviyo.importFailures(jobID: receipt.jobID, limit: 1)
            #expect(failures.count == 1)
            await outcome { try await klaviyo.importJob(id: "job_missing") }
            sandbox.server.faults.set(FaultSettings(rateLimitRate: 1, retryAfterSeconds: 2), for: .klaviyo)
            await outcome { try await klaviyo.upsertProfiles([MarketingProfile(email: "eve@example.com")]) }
            sandbox.server.faults.set(.none, for: .klaviyo)
            let wrongKey = KlaviyoClient(httpClient: sandbox.http, configuration: ClientConfiguration(
                baseURL: sandbox.baseURL(for: .klaviyo), credentials: KlaviyoCredentials(apiKey: Secret("pk_wrong")), timeout: .seconds(10)))
            await outcome { try await wrongKey.importJob(id: receipt.jobID) }
        }
        checker.expectConformance(exchanges, covering: [
            "POST /api/profile-bulk-import-jobs (\(Self.document))",
            "GET /api/profile-bulk-import-jobs/{job_id} (\(Self.document))",
            "GET /api/profile-bulk-import-jobs/{id}/import-errors (\(Self.document))",
        ])
        #expect(Set(exchanges.map(\.status)).isSuperset(of: [200, 202, 401, 404, 429]), "statuses seen: \(exchanges.map(\.status))")
        #expect(checker.expectRequiredFieldsEnforced(exchanges) > 0)
        let revision = try #require(checker.documents[0].root["info"]?["version"]?.string)
        for exchange in exchanges {
            #expect(exchange.requestHeader("revision") == revision, "\(exchange): revision must be the document's \(revision)")
            #expect(exchange.requestHeader("Authorization")?.hasPrefix("Klaviyo-API-Key ") == true)
        }
    }
}
