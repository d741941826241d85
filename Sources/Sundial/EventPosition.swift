/// A position in the engine's history feed (``WorkflowEventFeed``): the writing transaction and
/// the row id. Events are ordered by (`transaction`, `id`); a sync keeps the last position it
/// wrote in its context and its cursor, and resumes strictly after it. Codable as
/// `{"xact": …, "id": …}`; ``text`` is the compact form (`"1234:56789"`).
public struct EventPosition: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 64-bit id (xid8) of the transaction that wrote the event.
    public var transaction: Int64
    /// The history row id.
    public var id: Int64

    public init(transaction: Int64, id: Int64) {
        self.transaction = transaction
        self.id = id
    }

    /// Before every event.
    public static let start = EventPosition(transaction: 0, id: 0)

    public static func < (lhs: EventPosition, rhs: EventPosition) -> Bool {
        (lhs.transaction, lhs.id) < (rhs.transaction, rhs.id)
    }

    /// `"<transaction>:<id>"`.
    public var text: String { "\(transaction):\(id)" }

    public var description: String { text }

    /// Reads ``text``; nil when malformed.
    public init?(text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let transaction = Int64(parts[0]), let id = Int64(parts[1]) else { return nil }
        self.init(transaction: transaction, id: id)
    }

    enum CodingKeys: String, CodingKey {
        case transaction = "xact", id
    }
}
