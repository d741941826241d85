/// No HTTP response arrived: connection refused or reset, timeout, TLS failure. Always retryable,
/// since the request may not have reached the vendor (and idempotency keys make a resend safe).
public struct TransportFailure: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let isTimeout: Bool

    public var description: String { "transport failure: \(message)" }
}
