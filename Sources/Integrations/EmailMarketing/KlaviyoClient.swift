import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1
import Sundial

/// The ``EmailMarketing`` platform over Klaviyo's Bulk Import Profiles API
/// (`POST /api/profile-bulk-import-jobs`, JSON:API, `revision` pinned). Klaviyo upserts by email,
/// so a batch sent twice changes nothing the second time; it has no idempotency key. A job holds
/// at most 10,000 profiles and 5 MB. 429 and 5xx are retryable (with `Retry-After`), other 4xx
/// permanent. The key goes only into the `Authorization` header, never into a log or an error.
public struct KlaviyoClient: EmailMarketing {
    public let configuration: ClientConfiguration<KlaviyoCredentials>
    /// The API revision sent in the `revision` header.
    public var revision = "2025-01-15"
    public let maxBatchSize: Int
    private let exchange: HTTPExchange
    private let logger: Logger

    public init(httpClient: HTTPClient, configuration: ClientConfiguration<KlaviyoCredentials>, maxBatchSize: Int = 10_000,
                logger: Logger = Logger(label: "sundial.integrations.klaviyo")) {
        self.configuration = configuration
        self.maxBatchSize = max(1, min(maxBatchSize, 10_000))
        self.exchange = HTTPExchange(client: httpClient, timeout: configuration.timeout)
        self.logger = logger
    }

    public func upsertProfiles(_ profiles: [MarketingProfile]) async throws -> ProfileImportReceipt {
        let operation = "POST /api/profile-bulk-import-jobs"
        guard !profiles.isEmpty, profiles.count <= maxBatchSize else {
            throw KlaviyoError(operation: operation, status: nil, code: "invalid",
                               message: "a batch holds 1 to \(maxBatchSize) profiles, not \(profiles.count)", retryDisposition: .permanent)
        }
        let body = try JSONEncoder().encode(ImportJobBody(profiles: profiles))
        let response: HTTPExchange.Response
        do {
            response = try await exchange.send(method: .POST, url: configuration.baseURL + "/api/profile-bulk-import-jobs", headers: [
                ("Authorization", "Klaviyo-API-Key \(configuration.credentials.apiKey.value)"),
                ("revision", revision), ("Accept", "application/vnd.api+json"), ("Content-Type", "application/vnd.api+json"),
            ], body: Array(body))
        } catch {
            throw KlaviyoError(operation: operation, status: nil, code: nil, message: error.message, retryDisposition: .retryable(after: nil))
        }
        guard (200..<300).contains(response.status) else {
            let errors = try? JSONDecoder().decode(ErrorsBody.self, from: Data(response.body))
            let first = errors?.errors.first
            let message = (first.map { [$0.title, $0.detail].compactMap { $0 }.joined(separator: " ") } ?? String(response.text.prefix(300)))
                .redacting([configuration.credentials.apiKey])
            throw KlaviyoError(operation: operation, status: response.status, code: first?.code, message: message,
                               retryDisposition: KlaviyoError.disposition(status: response.status, retryAfter: RetryAfter.parse(response.header("Retry-After"))))
        }
        guard let job = try? JSONDecoder().decode(JobBody.self, from: Data(response.body)) else {
            throw KlaviyoError(operation: operation, status: response.status, code: nil, message: "response is not a profile-bulk-import-job",
                               retryDisposition: .permanent)
        }
        logger.info("klaviyo profile import accepted", metadata: ["job_id": "\(job.data.id)", "profiles": "\(profiles.count)"])
        return ProfileImportReceipt(jobID: job.data.id, status: job.data.attributes.status, totalCount: job.data.attributes.totalCount ?? profiles.count)
    }
}

extension KlaviyoClient {
    /// `{"data": {"type": "profile-bulk-import-job", "attributes": {"profiles": {"data": [...]}}}}`.
    struct ImportJobBody: Encodable {
        var profiles: [MarketingProfile]

        func encode(to encoder: any Encoder) throws {
            var root = encoder.container(keyedBy: Key.self)
            var data = root.nestedContainer(keyedBy: Key.self, forKey: "data")
            try data.encode("profile-bulk-import-job", forKey: "type")
            var attributes = data.nestedContainer(keyedBy: Key.self, forKey: "attributes")
            var wrapper = attributes.nestedContainer(keyedBy: Key.self, forKey: "profiles")
            var list = wrapper.nestedUnkeyedContainer(forKey: "data")
            for profile in profiles {
                var item = list.nestedContainer(keyedBy: Key.self)
                try item.encode("profile", forKey: "type")
                var fields = item.nestedContainer(keyedBy: Key.self, forKey: "attributes")
                try fields.encode(profile.email, forKey: "email")
                try fields.encodeIfPresent(profile.externalID, forKey: "external_id")
                try fields.encodeIfPresent(profile.firstName, forKey: "first_name")
                try fields.encodeIfPresent(profile.lastName, forKey: "last_name")
                if !profile.properties.isEmpty { try fields.encode(profile.properties, forKey: "properties") }
            }
        }
    }

    struct Key: CodingKey, ExpressibleByStringLiteral {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
        init(stringLiteral value: String) { self.stringValue = value }
    }

    struct JobBody: Decodable {
        struct Job: Decodable {
            struct Attributes: Decodable {
                var status: String
                var totalCount: Int?
                enum CodingKeys: String, CodingKey { case status, totalCount = "total_count" }
            }
            var id: String
            var attributes: Attributes
        }
        var data: Job
    }

    struct ErrorsBody: Decodable {
        struct Item: Decodable {
            var code: String?
            var title: String?
            var detail: String?
        }
        var errors: [Item]
    }
}
