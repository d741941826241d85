import Foundation
import Hummingbird
import NIOCore

/// Reads the JSON body of an admin action: at most 16 KiB, `application/json` (an empty body
/// counts as `{}` so `POST .../resume` needs none), a closed object whose members are checked
/// all at once. 400 `malformed_json`, 413, 415, or 422 `invalid_body` naming each bad member.
enum AdminBody {
    static let limit = 16 * 1024
    /// String members shorter than the default 500 (a signal's name and id, as documented).
    static let maxLength = ["name": 200, "signal_id": 200]

    static func read(_ request: Request, _ members: [String: JSONShape.Member], free: Set<String> = []) async throws -> JSONValue {
        let hasBody = request.headers[.contentLength].map { $0 != "0" } ?? (request.headers[.transferEncoding] != nil)
        if !hasBody && request.headers[.contentType] == nil {
            return try validate(.object([:]), members, free: free)
        }
        let data = try await JSONRequestBody.read(request, limit: limit)
        if data.isEmpty { return try validate(.object([:]), members, free: free) }
        let document: JSONValue
        do {
            document = try JSONValue.parse(data)
        } catch {
            throw APIError.badRequest("malformed_json", "the body is not valid JSON")
        }
        return try validate(document, members, free: free)
    }

    /// `free` members may hold any JSON (a signal's payload); they are taken out before the check.
    private static func validate(_ document: JSONValue, _ members: [String: JSONShape.Member], free: Set<String>) throws -> JSONValue {
        var checked = document
        if case .object(var all) = document {
            for name in free { all.removeValue(forKey: name) }
            checked = .object(all)
        }
        var problems = JSONShape.object(members).check(checked).problems
        // The shape reads an optional `null` as absent; the admin API's documented bodies have no
        // nullable members, so `null` is refused like any other wrong type.
        for (name, member) in members where problems[name] == nil {
            if case .null? = document[name] { problems[name] = "must be \(member.shape.expectation), not null" }
        }
        // Lengths in Unicode code points, as the document's `maxLength` counts them.
        for (name, member) in members where member.shape.isString {
            let limit = maxLength[name] ?? 500
            if let text = document[name]?.stringValue,
               text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || text.unicodeScalars.count > limit {
                problems[name] = "must be 1 to \(limit) characters"
            }
        }
        for name in members.keys.sorted() + free.sorted() where problems[name] == nil {
            if let member = document[name], AdminText.containsNUL(member) { problems[name] = "must not contain the character U+0000" }
        }
        guard problems.isEmpty else { throw APIError.unprocessable("invalid_body", OrderRoutes.summary(problems), fields: problems) }
        return document
    }
}

extension JSONShape {
    var isString: Bool {
        if case .string = self { return true }
        return false
    }
}
