import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import Sundial

/// Delivers outbox messages as signed HTTP webhooks: the order-status events that INT-001 sends
/// to the e-commerce platform (`POST {url}`). The body is the message's JSON; the signature header
/// `X-Sundial-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>` lets the receiver
/// check origin and freshness; `Idempotency-Key` (the message's dedupe key) lets it drop a
/// repeated delivery. 2xx is delivered; 408, 429 and 5xx are retried (honouring `Retry-After`);
/// any other 4xx means the receiver refuses the message and retrying will not help.
public struct SignedWebhookTransport: OutboxTransport {
    public static let signatureHeader = "X-Sundial-Signature"

    public let topics: Set<String>
    let url: String
    let secret: String
    let httpClient: HTTPClient
    let timeout: Duration

    public init(url: String, secret: String, topics: Set<String>, httpClient: HTTPClient, timeout: Duration = .seconds(10)) {
        self.url = url
        self.secret = secret
        self.topics = topics
        self.httpClient = httpClient
        self.timeout = timeout
    }

    public func deliver(_ message: OutboxDelivery) async throws {
        let body = Array(message.payload.utf8)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Idempotency-Key", value: message.dedupeKey)
        request.headers.add(name: "X-Sundial-Topic", value: message.topic)
        request.headers.add(name: Self.signatureHeader, value: Self.signature(body: body, secret: secret, timestamp: Int(Date().timeIntervalSince1970)))
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: .nanoseconds(Int64(timeout.seconds * 1e9)))
        } catch {
            throw WebhookDeliveryError.unreachable(url: url, reason: String(describing: error))
        }
        let status = Int(response.status.code)
        let text = String(buffer: try await response.body.collect(upTo: 64 * 1024))
        switch status {
        case 200..<300: return
        case 408, 429, 500...599:
            let after = response.headers.first(name: "Retry-After").flatMap(Int.init).map { Duration.seconds($0) }
            throw WebhookDeliveryError.rejected(status: status, body: text, retryAfter: after, retryable: true)
        default:
            throw WebhookDeliveryError.rejected(status: status, body: text, retryAfter: nil, retryable: false)
        }
    }

    /// The `X-Sundial-Signature` value for `body` at `timestamp` (Unix seconds).
    public static func signature(body: [UInt8], secret: String, timestamp: Int) -> String {
        let key = SymmetricKey(data: Array(secret.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(timestamp).".utf8) + body, using: key)
        return "t=\(timestamp),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }
}

/// Why a webhook was not delivered. The secret never appears in it.
public enum WebhookDeliveryError: Error, RetryClassifiable, CustomStringConvertible, Equatable {
    case unreachable(url: String, reason: String)
    case rejected(status: Int, body: String, retryAfter: Duration?, retryable: Bool)

    public var retryDisposition: RetryDisposition {
        switch self {
        case .unreachable: .retryable(after: nil)
        case .rejected(_, _, let after, let retryable): retryable ? .retryable(after: after) : .permanent
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let url, let reason): "webhook to \(url) not delivered: \(reason)"
        case .rejected(let status, let body, _, _): "webhook answered \(status): \(body.prefix(300))"
        }
    }
}
