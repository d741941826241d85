import Crypto
import Foundation

/// The webhook signature scheme Stripe defined and the carrier feeds reuse:
/// `t=<unix>,v1=<hex>[,v1=<hex>…]` where each `v1` is the lowercase hex HMAC-SHA256 of
/// `"<t>." + raw body` keyed with the whole secret as UTF-8 (Stripe's `whsec_…` included, not
/// decoded). A request is accepted when any `v1` matches any configured secret (several during a
/// rotation), compared in constant time; other schemes (`v0`) are ignored; a timestamp further
/// than the tolerance from now, in the past or in the future, is refused: a captured request
/// cannot be replayed later, and a request signed ahead of time (a stolen secret, a sender's clock
/// far ahead) does not stay valid for longer than the tolerance.
public struct TimestampedSignature: Sendable {
    public let secrets: [String]
    public let tolerance: Duration

    public init(secrets: [String], tolerance: Duration = .seconds(300)) {
        self.secrets = secrets
        self.tolerance = tolerance
    }

    /// Why a signature was refused; the message goes into the 401.
    public enum Failure: Error, Equatable, CustomStringConvertible, Sendable {
        case missingHeader
        case malformedHeader
        case noSignature
        case stale
        case future
        case mismatch

        public var description: String {
            switch self {
            case .missingHeader: "the signature header is missing"
            case .malformedHeader: "the signature header is not t=<unix>,v1=<hex>"
            case .noSignature: "the signature header has no v1 signature"
            case .stale: "the signature's timestamp is older than the tolerance"
            case .future: "the signature's timestamp is further in the future than the tolerance"
            case .mismatch: "no signature matches the body"
            }
        }
    }

    /// Succeeds when `header` signs `payload`; the timestamp is returned for logging.
    @discardableResult
    public func verify(header: String?, payload: some DataProtocol, now: Date = Date()) throws(Failure) -> Int {
        guard let header, !header.isEmpty else { throw .missingHeader }
        guard let parsed = Self.parse(header) else { throw .malformedHeader }
        guard !parsed.signatures.isEmpty else { throw .noSignature }
        let expected = secrets.map { Self.signature(payload: payload, secret: $0, timestamp: parsed.timestamp) }
        var matched = false
        for candidate in parsed.signatures {
            for signature in expected where Self.constantTimeEquals(candidate, signature) { matched = true }
        }
        guard matched else { throw .mismatch }
        let age = now.timeIntervalSince1970 - Double(parsed.timestamp)
        let slack = Double(tolerance.components.seconds)
        guard age <= slack else { throw .stale }
        guard -age <= slack else { throw .future }
        return parsed.timestamp
    }

    /// Lowercase hex HMAC-SHA256 of `"<timestamp>." + payload` keyed with `secret` as UTF-8.
    public static func signature(payload: some DataProtocol, secret: String, timestamp: Int) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(contentsOf: payload)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return code.map { String(format: "%02x", $0) }.joined()
    }

    /// The full header value for `payload`: `t=<timestamp>,v1=<hex>`.
    public static func header(payload: some DataProtocol, secret: String, timestamp: Int) -> String {
        "t=\(timestamp),v1=\(signature(payload: payload, secret: secret, timestamp: timestamp))"
    }

    /// The timestamp and the `v1` values; nil when there is no integer `t`.
    static func parse(_ header: String) -> (timestamp: Int, signatures: [String])? {
        var timestamp: Int?
        var signatures: [String] = []
        for item in header.split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let key = pair[0].trimmingCharacters(in: .whitespaces)
            let value = pair[1].trimmingCharacters(in: .whitespaces)
            switch key {
            case "t" where timestamp == nil: timestamp = Int(value)
            case "v1": signatures.append(value)
            default: continue
            }
        }
        guard let timestamp else { return nil }
        return (timestamp, signatures)
    }

    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
