import Foundation
import Sundial

/// An opaque keyset position: the (created_at, id) of the last row of a page, the id of the
/// last audit, history or outbox entry, the (received_at, signal id) of the last pending signal,
/// the name of the last schedule or worker. Exists so clients page without offsets (no duplicates or gaps when rows are
/// added meanwhile) and without knowing the sort key: the token is base64url text that only
/// ``decode(_:)`` reads back.
public struct ListCursor: Sendable, Equatable {
    /// Microseconds since 1970 of the last row's time (created_at, received_at; 0 for key-only cursors).
    public let micros: Int64
    /// The last row's key: a UUID for workflows, a number for audit, history and outbox entries,
    /// a signal id, a schedule or worker name.
    public let key: String

    public init(micros: Int64, key: String) {
        self.micros = micros
        self.key = key
    }

    /// The opaque token handed to clients.
    public var token: String {
        Data("c1:\(micros):\(key)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Reads a token back; throws an ``InputError`` on the `cursor` field for anything that is
    /// not a token this server wrote.
    public static func decode(_ token: String) throws -> ListCursor {
        let bad = InputError(field: "cursor", "is not a cursor this server returned")
        // Long enough for a 200-character signal id or schedule name in any script, and no longer.
        guard token.count <= 1100, token.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { throw bad }
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { throw bad }
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        // Up to the year 9999, so the timestamp a cursor becomes is always valid in Postgres.
        guard parts.count == 3, parts[0] == "c1", let micros = Int64(parts[1]), (0...253_402_300_799_999_999).contains(micros),
              !parts[2].isEmpty else { throw bad }
        return ListCursor(micros: micros, key: String(parts[2]))
    }

    /// The key as a workflow id; throws like ``decode(_:)``.
    public func workflowID() throws -> UUID {
        guard let id = UUID(uuidString: key) else { throw InputError(field: "cursor", "is not a cursor this server returned") }
        return id
    }

    /// The key as an audit entry id; throws like ``decode(_:)``.
    public func auditID() throws -> Int64 { try sequenceID() }

    /// The key as a positive row number (audit, history, outbox entries); throws like ``decode(_:)``.
    public func sequenceID() throws -> Int64 {
        guard let id = Int64(key), id > 0 else { throw InputError(field: "cursor", "is not a cursor this server returned") }
        return id
    }

    /// A cursor after the row numbered `id` (audit, history, outbox entries).
    public static func after(sequence id: Int64) -> ListCursor { ListCursor(micros: 0, key: String(id)) }
}
