import AsyncHTTPClient
import Foundation
import Integrations
import Sandbox
import Sundial
import Testing

@Suite("Klaviyo client")
struct KlaviyoClientTests {
    static let key = Secret("pk_sandbox_klaviyo_private_key")

    /// Jobs processed as they are accepted, for the tests about what an import does.
    static var immediate: SandboxConfiguration {
        var configuration = SandboxConfiguration()
        configuration.klaviyo.processingDelay = .zero
        return configuration
    }

    static func client(_ server: SandboxServer, _ http: HTTPClient, key: Secret = key, maxBatchSize: Int = 10_000) async throws -> KlaviyoClient {
        KlaviyoClient(httpClient: http, configuration: ClientConfiguration(baseURL: try await server.baseURL(for: .klaviyo),
                                                                           credentials: KlaviyoCredentials(apiKey: key), timeout: .seconds(5)),
                      maxBatchSize: maxBatchSize)
    }

    @Test("upserts a batch of profiles by email; sending the same batch again creates no second contact")
    func upsert() async throws {
        try await withSandboxClient(Self.immediate) { server, http in
            let client = try await Self.client(server, http)
            let profiles = [
                MarketingProfile(email: "ada@example.com", externalID: "c-1", firstName: "Ada", lastName: "Lovelace", properties: ["last_order_id": "SO-1"]),
                MarketingProfile(email: "bob@example.com", externalID: "c-2", firstName: "Bob"),
            ]
            let receipt = try await client.upsertProfiles(profiles)
            #expect(receipt.totalCount == 2)
            #expect(receipt.status == "complete")
            _ = try await client.upsertProfiles(profiles)
            let contacts = server.marketingProfiles()
            #expect(contacts.map(\.email) == ["ada@example.com", "bob@example.com"])
            #expect(contacts.map(\.imports) == [2, 2])
            #expect(contacts.first?.properties == ["last_order_id": "SO-1"])
            #expect(server.profileImportJobs().map(\.emails) == [["ada@example.com", "bob@example.com"], ["ada@example.com", "bob@example.com"]])
        }
    }

    @Test("a wrong key is a permanent error that never shows the key")
    func wrongKey() async throws {
        try await withSandboxClient(Self.immediate) { server, http in
            let secret = Secret("pk_wrong_key_that_must_not_leak")
            let client = try await Self.client(server, http, key: secret)
            let error = await thrownError { try await client.upsertProfiles([MarketingProfile(email: "a@example.com")]) }
            let klaviyo = try #require(error as? KlaviyoError)
            #expect(klaviyo.status == 401)
            #expect(klaviyo.code == "authentication_failed")
            #expect(klaviyo.retryDisposition == .permanent)
            #expect(!"\(klaviyo)".contains(secret.value))
            #expect(!"\(client.configuration)".contains(secret.value))
        }
    }

    @Test("429 is retryable after Retry-After; 5xx and lost connections are retryable; an oversized batch is refused before sending")
    func classification() async throws {
        try await withSandboxClient(Self.immediate) { server, http in
            let client = try await Self.client(server, http, maxBatchSize: 2)
            server.faults.set(FaultSettings(rateLimitRate: 1, retryAfterSeconds: 9), for: .klaviyo)
            let throttled = try #require(await thrownError { try await client.upsertProfiles([MarketingProfile(email: "a@example.com")]) } as? KlaviyoError)
            #expect(throttled.status == 429)
            #expect(throttled.retryDisposition == .retryable(after: .seconds(9)))
            server.faults.set(FaultSettings(errorRate: 1, errorStatus: 503), for: .klaviyo)
            let unavailable = try #require(await thrownError { try await client.upsertProfiles([MarketingProfile(email: "a@example.com")]) } as? KlaviyoError)
            #expect(unavailable.status == 503)
            #expect(unavailable.retryDisposition == .retryable(after: nil))
            server.faults.set(FaultSettings(resetAfterEffectRate: 1), for: .klaviyo)
            let lost = try #require(await thrownError { try await client.upsertProfiles([MarketingProfile(email: "a@example.com")]) } as? KlaviyoError)
            #expect(lost.status == nil)
            #expect(lost.retryDisposition == .retryable(after: nil))
            server.faults.set(.none, for: .klaviyo)
            let tooMany = try #require(await thrownError {
                try await client.upsertProfiles((1...3).map { MarketingProfile(email: "p\($0)@example.com") })
            } as? KlaviyoError)
            #expect(tooMany.retryDisposition == .permanent)
            // The lost response's import did happen: a retry of the same batch finds the contact and updates it.
            #expect(server.marketingProfiles().map(\.email) == ["a@example.com"])
        }
    }

    @Test("a job is queued, then complete; the profiles it refused are read page by page with their reasons")
    func followsJobAndReadsFailures() async throws {
        let clock = MovableClock()
        var configuration = SandboxConfiguration()
        configuration.clock = clock.clock
        configuration.klaviyo.processingDelay = .seconds(60)
        try await withSandboxClient(configuration) { server, http in
            let client = try await Self.client(server, http)
            let receipt = try await client.upsertProfiles([
                MarketingProfile(email: "ada@example.com"), MarketingProfile(email: "not-an-address"),
                MarketingProfile(email: "bob@example.com"), MarketingProfile(email: "also@broken"),
            ])
            #expect(receipt.status == "queued")
            #expect(try await client.importJob(id: receipt.jobID).isFinished == false)
            #expect(server.marketingProfiles().isEmpty, "nothing is imported before the job runs")
            clock.advance(seconds: 61)
            let job = try await client.importJob(id: receipt.jobID)
            #expect(job.status == "complete")
            #expect(job.completedCount == 2)
            #expect(job.failedCount == 2)
            let failures = try await client.importFailures(jobID: receipt.jobID, limit: 1)
            #expect(failures.count == 1)
            let all = try await client.importFailures(jobID: receipt.jobID, limit: 100)
            #expect(all.map(\.email) == ["not-an-address", "also@broken"])
            #expect(all.allSatisfy { $0.code == "invalid" && $0.pointer?.hasSuffix("/attributes/email") == true })
            #expect(server.marketingProfiles().map(\.email) == ["ada@example.com", "bob@example.com"])
            let missing = await thrownError { try await client.importJob(id: "job_does_not_exist") }
            #expect((missing as? KlaviyoError)?.status == 404)
        }
    }
}
