import Foundation
import Hummingbird
import NIOCore

/// The fields of a dashboard form: an `application/x-www-form-urlencoded` POST body (at most
/// 16 KiB) or a GET query string, decoded as browsers encode them (`+` is a space). Exists so
/// every page reads forms alike and answers a malformed one with a 4xx page, never a 5xx.
struct DashboardForm: Sendable {
    static let limit = 16 * 1024

    /// Every (name, value) in order, repeats included.
    let pairs: [(String, String)]

    /// The value of `name` when given once; nil when absent. A repeated field is a 400.
    func value(_ name: String) throws -> String? {
        let values = pairs.filter { $0.0 == name }.map(\.1)
        guard values.count <= 1 else { throw DashboardError(.badRequest, "The field \(name) was given more than once.") }
        return values.first
    }

    /// A required text field: 1 to `max` characters after trimming, without control characters
    /// (line breaks are allowed where `multiline`); a 422 naming the field otherwise.
    func text(_ name: String, label: String, max: Int = 500, multiline: Bool = false) throws -> String {
        guard let raw = try value(name) else { throw DashboardError(.unprocessableContent, "\(label) is required.", fields: [name: "is required"]) }
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty, value.count <= max else {
            throw DashboardError(.unprocessableContent, "\(label) must be 1 to \(max) characters.", fields: [name: "must be 1 to \(max) characters"])
        }
        let bad = value.unicodeScalars.contains { ($0.value < 0x20 && !(multiline && ($0 == "\n" || $0 == "\r" || $0 == "\t"))) || $0.value == 0x7F }
        guard !bad else {
            throw DashboardError(.unprocessableContent, "\(label) must not contain control characters.", fields: [name: "must not contain control characters"])
        }
        return value
    }

    /// The pairs whose value is not empty (an empty filter field means "any").
    var nonEmpty: [(String, String)] { pairs.filter { !$0.1.isEmpty } }

    /// Decodes `text`; nil when a name or value is not valid percent-encoded UTF-8.
    static func decode(_ text: Substring) -> [(String, String)]? {
        var pairs: [(String, String)] = []
        for part in text.split(separator: "&", omittingEmptySubsequences: true) {
            let halves = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func unescape(_ piece: Substring) -> String? { piece.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = unescape(halves[0]), let value = unescape(halves.count > 1 ? halves[1] : "") else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }

    /// The request's query string.
    static func query(_ request: Request) throws -> DashboardForm {
        guard let pairs = decode(Substring(request.uri.query ?? "")) else {
            throw DashboardError(.badRequest, "The address's query string is not valid percent-encoded UTF-8.")
        }
        return DashboardForm(pairs: pairs)
    }

    /// The request's urlencoded body: 415 for another content type, 413 past the limit.
    static func body(_ request: Request) async throws -> DashboardForm {
        let type = (request.headers[.contentType] ?? "").lowercased()
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            throw DashboardError(.unsupportedMediaType, "The dashboard accepts forms (application/x-www-form-urlencoded) only.")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw DashboardError(.contentTooLarge, "The form is larger than \(limit / 1024) KiB.")
        }
        guard let text = buffer.getString(at: buffer.readerIndex, length: buffer.readableBytes), let pairs = decode(Substring(text)) else {
            throw DashboardError(.badRequest, "The form is not valid percent-encoded UTF-8.")
        }
        return DashboardForm(pairs: pairs)
    }
}
