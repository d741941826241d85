import Foundation

/// Parses the `Retry-After` header. Exists because every API here may send it with a 429 or 503
/// and the workflow's retry policy must wait at least that long.
enum RetryAfter {
    /// The delay of a `Retry-After: <seconds>` header; `nil` when absent or not a number of seconds
    /// (the HTTP-date form is not used by these APIs).
    static func parse(_ value: String?) -> Duration? {
        guard let text = value?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let seconds = Int(text), seconds >= 0 { return .seconds(seconds) }
        if let seconds = Double(text), seconds >= 0, seconds.isFinite { return .milliseconds(Int((seconds * 1000).rounded())) }
        return nil
    }
}
