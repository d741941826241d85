import Sundial

/// A QuickBooks Online call failed: no response, an HTTP error, or a `Fault` body (which QuickBooks
/// may send even with a 200). Exists so the workflow's retry policy can tell passing faults
/// (429 `ThrottleExceeded`, 500, 503, `SystemFault`, timeouts: retryable) from faults that need a
/// person (`ValidationFault` such as 6210 duplicate document number, `AuthorizationFault`, an
/// authentication failure that survived a token refresh: permanent).
public struct QuickBooksError: Error, Sendable, RetryClassifiable, CustomStringConvertible {
    /// `METHOD /path` of the call.
    public var operation: String
    public var status: Int?
    /// `ValidationFault`, `SystemFault`, `AuthenticationFault`, `AUTHENTICATION`, …
    public var faultType: String?
    /// QuickBooks error codes (`6210`, `3200`, …).
    public var codes: [String]
    public var message: String
    public var retryDisposition: RetryDisposition

    public init(operation: String, status: Int?, faultType: String?, codes: [String], message: String, retryDisposition: RetryDisposition) {
        self.operation = operation
        self.status = status
        self.faultType = faultType
        self.codes = codes
        self.message = message
        self.retryDisposition = retryDisposition
    }

    public var description: String {
        var text = "QuickBooks \(operation) failed"
        if let status { text += ": HTTP \(status)" }
        if let faultType { text += " \(faultType)" }
        if !codes.isEmpty { text += " [\(codes.joined(separator: ", "))]" }
        text += ": \(message)"
        switch retryDisposition {
        case .permanent: text += "; permanent"
        case .retryable(let after): text += after.map { "; retryable after \($0)" } ?? "; retryable"
        }
        return text
    }

    static func disposition(status: Int, faultType: String?, retryAfter: Duration?) -> RetryDisposition {
        if status == 429 || status == 500 || status == 502 || status == 503 || status == 504 { return .retryable(after: retryAfter) }
        if faultType?.lowercased() == "systemfault" { return .retryable(after: retryAfter) }
        return .permanent
    }
}
