import Foundation
import Hummingbird
import Sundial
import SundialEngine

/// Reads an admin route's query string strictly: an unknown parameter, a repeated one, a bad
/// date, UUID, number or cursor is a 400 `invalid_query` naming every bad parameter, so a typo
/// in a filter never silently lists everything.
struct AdminQuery {
    private var values: [String: String] = [:]
    private(set) var problems: [String: String] = [:]

    init(_ request: Request, allowed: Set<String>) {
        self.init(pairs: request.uri.queryParameters.map { (String($0.key), String($0.value)) }, allowed: allowed)
    }

    /// The same checks over decoded (name, value) pairs: the dashboard's filter form, whose
    /// empty fields it leaves out first.
    init(pairs: [(String, String)], allowed: Set<String>) {
        var seen: [String: Int] = [:]
        for (key, value) in pairs {
            seen[key, default: 0] += 1
            if !allowed.contains(key) {
                problems[key] = "is not a known parameter (known: \(allowed.sorted().joined(separator: ", ")))"
            } else if seen[key]! > 1 {
                problems[key] = "is given more than once"
            } else {
                values[key] = value
            }
        }
    }

    mutating func string(_ name: String, max: Int = 200) -> String? {
        guard let value = values[name] else { return nil }
        guard !value.isEmpty, value.unicodeScalars.count <= max else {
            problems[name] = "must be 1 to \(max) characters"
            return nil
        }
        guard !AdminText.hasControlCharacters(value) else {
            problems[name] = "must not contain control characters"
            return nil
        }
        return value
    }

    mutating func date(_ name: String) -> Date? {
        guard let value = values[name] else { return nil }
        guard let date = ISOTimestamp.parse(value) else {
            problems[name] = "must be an ISO 8601 time such as 2026-11-26T09:15:00Z"
            return nil
        }
        return date
    }

    mutating func limit(default fallback: Int = 50, max: Int = WorkflowListQuery.maxLimit) -> Int {
        guard let value = values["limit"] else { return fallback }
        guard let number = Int(value), (1...max).contains(number) else {
            problems["limit"] = "must be a whole number from 1 to \(max)"
            return fallback
        }
        return number
    }

    /// `limit` for a listing of `size`: its standard when absent, 1 to its maximum.
    mutating func limit(_ size: PageSize) -> Int { limit(default: size.standard, max: size.maximum) }

    /// `cursor` as a row number (history, outbox, audit entries), or a problem noted.
    mutating func sequenceCursor() -> Int64? {
        guard let cursor = cursor() else { return nil }
        guard let id = try? cursor.sequenceID() else {
            problems["cursor"] = "is not a cursor this server returned"
            return nil
        }
        return id
    }

    mutating func cursor() -> ListCursor? {
        guard let value = values["cursor"] else { return nil }
        do {
            return try ListCursor.decode(value)
        } catch {
            problems["cursor"] = "is not a cursor this server returned"
            return nil
        }
    }

    mutating func status() -> WorkflowStatus? {
        guard let value = values["status"] else { return nil }
        guard let status = WorkflowStatus(rawValue: value) else {
            problems["status"] = "must be one of \(WorkflowStatus.allCases.map(\.rawValue).joined(separator: ", "))"
            return nil
        }
        return status
    }

    mutating func note(_ name: String, _ problem: String) { problems[name] = problem }

    /// Throws the 400 when anything was wrong.
    func check() throws {
        guard problems.isEmpty else {
            throw APIError(.badRequest, code: "invalid_query", message: OrderRoutes.summary(problems), fields: problems)
        }
    }
}
