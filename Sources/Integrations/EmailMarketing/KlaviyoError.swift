import Sundial

/// A Klaviyo call failed: no response, or an HTTP error with a JSON:API `errors` body. Exists so
/// the sync's retry policy can tell passing trouble (429 with `Retry-After`, 5xx, timeouts:
/// retryable) from what needs a person (a bad key, an invalid profile: permanent). Never carries
/// the API key.
public struct KlaviyoError: Error, Sendable, RetryClassifiable, CustomStringConvertible {
    public var operation: String
    public var status: Int?
    /// The first error's `code` (`not_authenticated`, `invalid`, `throttled`, …).
    public var code: String?
    public var message: String
    public var retryDisposition: RetryDisposition

    public init(operation: String, status: Int?, code: String?, message: String, retryDisposition: RetryDisposition) {
        self.operation = operation
        self.status = status
        self.code = code
        self.message = message
        self.retryDisposition = retryDisposition
    }

    public var description: String {
        var text = "Klaviyo \(operation) failed"
        if let status { text += ": HTTP \(status)" }
        if let code { text += " \(code)" }
        text += ": \(message)"
        switch retryDisposition {
        case .permanent: text += "; permanent"
        case .retryable(let after): text += after.map { "; retryable after \($0)" } ?? "; retryable"
        }
        return text
    }

    static func disposition(status: Int, retryAfter: Duration?) -> RetryDisposition {
        if status == 408 || status == 429 || status >= 500 { return .retryable(after: retryAfter) }
        return .permanent
    }
}
