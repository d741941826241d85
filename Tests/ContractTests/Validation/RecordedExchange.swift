import Foundation

/// One request a client sent and the answer it got, as they crossed the wire (recorded by
/// ``RecordingProxy``). `path` is the vendor's own path: the sandbox's prefix (`/fedex`) is gone.
struct RecordedExchange: Sendable, CustomStringConvertible {
    var method: String
    var path: String
    var query: [(name: String, value: String)]
    var requestHeaders: [(name: String, value: String)]
    var requestBody: [UInt8]
    var status: Int
    var responseHeaders: [(name: String, value: String)]
    var responseBody: [UInt8]

    func requestHeader(_ name: String) -> String? {
        requestHeaders.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    func responseHeader(_ name: String) -> String? {
        responseHeaders.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var requestText: String { String(decoding: requestBody, as: UTF8.self) }
    var responseText: String { String(decoding: responseBody, as: UTF8.self) }

    var description: String { "\(method) \(path) → \(status)" }

    /// The query string parsed: `a=1&b=%20` → `[("a", "1"), ("b", " ")]`.
    static func parseQuery(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String { part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part) }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }
}
