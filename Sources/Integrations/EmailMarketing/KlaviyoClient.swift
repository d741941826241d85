import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1
import Sundial

/// The ``EmailMarketing`` platform over Klaviyo's Bulk Import Profiles API (JSON:API, `revision`
/// pinned to the revision of the document the contract tests use): `POST
/// /api/profile-bulk-import-jobs` hands a batch over (202: the job is queued and runs later),
/// `GET /api/profile-bulk-import-jobs/{job_id}` follows it, and `GET …/{id}/import-errors` lists
/// the profiles it could not import. Klaviyo upserts by email, so a batch sent twice changes
/// nothing the second time; it has no idempotency key. A job holds at most 10,000 profiles and
/// 5 MB. 429 and 5xx are retryable (with `Retry-After`), other 4xx permanent. The key goes only
/// into the `Authorization` header, never into a log or an error.
public struct KlaviyoClient: EmailMarketing {
    public let configuration: ClientConfiguration<KlaviyoCredentials>
    /// The API revision sent in the `revision` header.
    public var revision = "2026-07-15"
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
        let response = try await send(.POST, "/api/profile-bulk-import-jobs", body: Array(body), operation: operation)
        guard let job = try? JSONDecoder().decode(JobBody.self, from: Data(response.body)) else {
            // Accepted (2xx) but unreadable: the job may exist. Sending the batch again is safe
            // (an upsert by email), so this is retryable, never "nothing happened".
            throw KlaviyoError(operation: operation, status: response.status, code: nil,
                               message: "unreadable answer; the import may have been accepted", retryDisposition: .retryable(after: nil))
        }
        logger.info("klaviyo profile import accepted", metadata: ["job_id": "\(job.data.id)", "profiles": "\(profiles.count)"])
        return ProfileImportReceipt(jobID: job.data.id, status: job.data.attributes.status, totalCount: job.data.attributes.totalCount ?? profiles.count)
    }

    public func importJob(id: String) async throws -> ProfileImportJob {
        let operation = "GET /api/profile-bulk-import-jobs/{job_id}"
        let response = try await send(.GET, "/api/profile-bulk-import-jobs/\(FormEncoding.escape(id))", body: nil, operation: operation)
        guard let job = try? JSONDecoder().decode(JobBody.self, from: Data(response.body)) else {
            throw KlaviyoError(operation: operation, status: response.status, code: nil, message: "unreadable import job", retryDisposition: .retryable(after: nil))
        }
        let attributes = job.data.attributes
        return ProfileImportJob(jobID: job.data.id, status: attributes.status, totalCount: attributes.totalCount ?? 0,
                                completedCount: attributes.completedCount ?? 0, failedCount: attributes.failedCount ?? 0)
    }

    /// Follows `links.next` page by page (100 a page) until `limit` failures or the last page.
    public func importFailures(jobID: String, limit: Int) async throws -> [ProfileImportFailure] {
        let operation = "GET /api/profile-bulk-import-jobs/{id}/import-errors"
        var failures: [ProfileImportFailure] = []
        var path: String? = "/api/profile-bulk-import-jobs/\(FormEncoding.escape(jobID))/import-errors?page%5Bsize%5D=\(min(max(limit, 1), 100))"
        while let next = path, failures.count < limit {
            let response = try await send(.GET, next, body: nil, operation: operation)
            guard let page = try? JSONDecoder().decode(ImportErrorsBody.self, from: Data(response.body)) else {
                throw KlaviyoError(operation: operation, status: response.status, code: nil, message: "unreadable import errors", retryDisposition: .retryable(after: nil))
            }
            failures += page.data.map { item in
                ProfileImportFailure(email: item.attributes.originalPayload?.attributes?.email, code: item.attributes.code,
                                     detail: item.attributes.detail, pointer: item.attributes.source?.pointer)
            }
            path = page.links?.next.flatMap(Self.pathAndQuery)
        }
        return Array(failures.prefix(limit))
    }

    /// One call with the key, the revision and the JSON:API media type; a non-2xx answer or no
    /// answer becomes a ``KlaviyoError``.
    private func send(_ method: HTTPMethod, _ path: String, body: [UInt8]?, operation: String) async throws -> HTTPExchange.Response {
        var headers = [
            ("Authorization", "Klaviyo-API-Key \(configuration.credentials.apiKey.value)"),
            ("revision", revision), ("Accept", "application/vnd.api+json"),
        ]
        if body != nil { headers.append(("Content-Type", "application/vnd.api+json")) }
        let response: HTTPExchange.Response
        do {
            response = try await exchange.send(method: method, url: configuration.baseURL + path, headers: headers, body: body)
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
        return response
    }

    /// Klaviyo's `links.next` is an absolute URL: keep its path and query, so the page is
    /// fetched from the configured base URL (the same host, or the sandbox in tests).
    static func pathAndQuery(_ link: String) -> String? {
        guard let components = URLComponents(string: link) else { return nil }
        let path = components.percentEncodedPath.hasPrefix("/api/") ? components.percentEncodedPath
            : components.percentEncodedPath.range(of: "/api/").map { String(components.percentEncodedPath[$0.lowerBound...]) }
        guard let path else { return nil }
        return path + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
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
                var completedCount: Int?
                var failedCount: Int?
                enum CodingKeys: String, CodingKey {
                    case status, totalCount = "total_count", completedCount = "completed_count", failedCount = "failed_count"
                }
            }
            var id: String
            var attributes: Attributes
        }
        var data: Job
    }

    /// `{"data": [{"type": "import-error", "attributes": {code, title, detail, source: {pointer},
    /// original_payload}}], "links": {"next"}}`.
    struct ImportErrorsBody: Decodable {
        struct Item: Decodable {
            struct Attributes: Decodable {
                struct Source: Decodable { var pointer: String? }
                struct Payload: Decodable {
                    struct Fields: Decodable { var email: String? }
                    var attributes: Fields?
                }
                var code: String
                var detail: String
                var source: Source?
                var originalPayload: Payload?
                enum CodingKeys: String, CodingKey { case code, detail, source, originalPayload = "original_payload" }
            }
            var attributes: Attributes
        }
        struct Links: Decodable { var next: String? }
        var data: [Item]
        var links: Links?
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
