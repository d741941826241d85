import Foundation
import PostgresNIO

extension WorkflowStore {
    /// A page of one workflow's history, oldest first, after entry `after` (keyset on id).
    /// Index `workflow_history_by_workflow (workflow_id, id)`: a range of this workflow's entries.
    public func historyPage(_ id: UUID, after: Int64?, limit: Int) async throws -> Page<HistoryEntry> {
        counters.other.add(1, ordering: .relaxed)
        let rows = try await client.query("""
            SELECT \(unescaped: Self.historyColumnList) FROM workflow_history
            WHERE workflow_id = \(id) AND id > \(after ?? 0)
            ORDER BY id LIMIT \(limit + 1)
            """, logger: logger)
        var entries: [HistoryEntry] = []
        for try await row in rows { entries.append(try Self.historyEntry(from: row)) }
        guard entries.count > limit else { return Page(rows: entries, next: nil) }
        entries.removeLast()
        return Page(rows: entries, next: entries.last.map { ListCursor.after(sequence: $0.id) })
    }

    /// The newest `limit` entries of one workflow's history, oldest first, and whether older
    /// ones exist (the dashboard's workflow page). Same index, read backward from the newest.
    public func latestHistory(_ id: UUID, limit: Int) async throws -> (entries: [HistoryEntry], more: Bool) {
        counters.other.add(1, ordering: .relaxed)
        let rows = try await client.query("""
            SELECT \(unescaped: Self.historyColumnList) FROM workflow_history
            WHERE workflow_id = \(id) ORDER BY id DESC LIMIT \(limit + 1)
            """, logger: logger)
        var entries: [HistoryEntry] = []
        for try await row in rows { entries.append(try Self.historyEntry(from: row)) }
        let more = entries.count > limit
        return (Array(entries.prefix(limit).reversed()), more)
    }

    /// The newest history entry of one workflow (what `explain` reads). Same index, one row.
    public func lastHistoryEntry(_ id: UUID) async throws -> HistoryEntry? {
        try await latestHistory(id, limit: 1).entries.last
    }

    /// A page of the signals in a workflow's inbox that no state consumed yet, oldest first,
    /// keyset on (received_at in whole microseconds, signal_id). Index
    /// `workflow_signals_pending_by_time (workflow_id, received_at, signal_id) WHERE consumed_at IS NULL`.
    public func pendingSignalsPage(_ id: UUID, after: ListCursor?, limit: Int) async throws -> Page<PendingSignal> {
        counters.other.add(1, ordering: .relaxed)
        let rows: PostgresRowSequence
        let columns = "signal_id, name, payload::text, received_at, ((extract(epoch FROM received_at) * 1000000)::numeric)::int8"
        if let after {
            rows = try await client.query("""
                SELECT \(unescaped: columns) FROM workflow_signals
                WHERE workflow_id = \(id) AND consumed_at IS NULL
                  AND (received_at, signal_id) > (timestamptz 'epoch' + \(after.micros) * interval '1 microsecond', \(after.key))
                ORDER BY received_at, signal_id LIMIT \(limit + 1)
                """, logger: logger)
        } else {
            rows = try await client.query("""
                SELECT \(unescaped: columns) FROM workflow_signals
                WHERE workflow_id = \(id) AND consumed_at IS NULL
                ORDER BY received_at, signal_id LIMIT \(limit + 1)
                """, logger: logger)
        }
        var result: [PendingSignal] = []
        var micros: [Int64] = []
        for try await (signalID, name, payload, received, receivedMicros) in rows.decode((String, String, String, Date, Int64).self) {
            result.append(PendingSignal(signalID: signalID, name: name, payload: payload, receivedAt: received))
            micros.append(receivedMicros)
        }
        guard result.count > limit else { return Page(rows: result, next: nil) }
        result.removeLast()
        return Page(rows: result, next: ListCursor(micros: micros[result.count - 1], key: result[result.count - 1].signalID))
    }
}
