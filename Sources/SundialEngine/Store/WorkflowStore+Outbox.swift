import Foundation
import PostgresNIO
import Sundial

extension WorkflowStore {
    /// Leases up to `limit` due pending messages: `next_attempt_at` moves to now + `lease` (so a
    /// dispatcher that dies gives them back by itself) and the attempt count goes up. Served by
    /// the partial index `outbox_due`; `SKIP LOCKED` lets several dispatchers share the work.
    func claimOutbox(limit: Int, lease: Duration) async throws -> [OutboxDelivery] {
        counters.other.add(1, ordering: .relaxed)
        let rows = try await client.query("""
            WITH due AS (
                SELECT id FROM outbox
                WHERE status = 'pending' AND next_attempt_at <= now()
                ORDER BY next_attempt_at
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
            )
            UPDATE outbox o
            SET next_attempt_at = now() + \(lease.seconds) * interval '1 second', attempts = o.attempts + 1
            FROM due WHERE o.id = due.id
            RETURNING o.id, o.workflow_id, o.topic, o.dedupe_key, o.payload::text, o.attempts
            """, logger: logger)
        var deliveries: [OutboxDelivery] = []
        for try await (id, workflow, topic, key, payload, attempts) in rows.decode((Int64, UUID, String, String, String, Int).self) {
            deliveries.append(OutboxDelivery(id: id, workflowID: workflow, topic: topic, dedupeKey: key, payload: payload, attempt: attempts))
        }
        return deliveries
    }

    /// Records the outcome of one delivery attempt (primary key).
    func settleOutbox(id: Int64, outcome: OutboxOutcome) async throws {
        counters.other.add(1, ordering: .relaxed)
        switch outcome {
        case .delivered:
            try await client.query("""
                UPDATE outbox SET status = 'delivered', delivered_at = now(), last_error = NULL WHERE id = \(id)
                """, logger: logger)
        case .retry(let delay, let error):
            try await client.query("""
                UPDATE outbox SET next_attempt_at = now() + \(delay.seconds) * interval '1 second', last_error = \(error)
                WHERE id = \(id)
                """, logger: logger)
        case .park(let error):
            try await client.query("""
                UPDATE outbox SET status = 'parked', last_error = \(error) WHERE id = \(id)
                """, logger: logger)
        }
    }

    /// Puts a parked message back in line with fresh attempts, with `audit` written in the same
    /// statement; returns false when no parked message has that id (primary key).
    public func replayOutbox(id: Int64, audit: AuditNote? = nil) async throws -> Bool {
        counters.other.add(1, ordering: .relaxed)
        let rows = try await acknowledgedWrite("""
            WITH replayed AS (
                UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL
                WHERE id = \(id) AND status = 'parked'
                RETURNING id
            ), audited AS (
                INSERT INTO audit_log (actor, action, target, reason, outcome, detail)
                SELECT \(audit?.actor)::text, \(audit?.action)::text, \(audit?.target)::text, \(audit?.reason)::text, 'ok', \(audit?.detail)::text
                FROM replayed WHERE \(audit?.actor)::text IS NOT NULL
            )
            SELECT count(*)::int8 FROM replayed
            """)
        if let count = try rows.first?.decode(Int64.self) { return count == 1 }
        return false
    }

    /// Parked messages, oldest first (an operator's list of failed deliveries): the first page.
    public func parkedOutbox(limit: Int = PageSize.parkedOutbox.standard) async throws -> [OutboxRow] {
        try await parkedOutboxPage(after: nil, limit: limit).rows
    }

    /// A page of parked messages, oldest first, after message `after` (keyset on id). Index
    /// `outbox_parked (id) WHERE status = 'parked'`: delivered and pending rows are not in it.
    public func parkedOutboxPage(after: Int64?, limit: Int) async throws -> Page<OutboxRow> {
        counters.other.add(1, ordering: .relaxed)
        let rows = try await client.query("""
            SELECT id, workflow_id, topic, dedupe_key, payload::text, status, attempts
            FROM outbox WHERE status = 'parked' AND id > \(after ?? 0) ORDER BY id LIMIT \(limit + 1)
            """, logger: logger)
        var result: [OutboxRow] = []
        for try await (id, workflow, topic, key, payload, status, attempts) in rows.decode((Int64, UUID, String, String, String, String, Int).self) {
            result.append(OutboxRow(id: id, workflowID: workflow, topic: topic, dedupeKey: key, payload: payload, status: status, attempts: attempts))
        }
        guard result.count > limit else { return Page(rows: result, next: nil) }
        result.removeLast()
        return Page(rows: result, next: result.last.map { ListCursor.after(sequence: $0.id) })
    }
}

/// What happened to one delivery attempt.
enum OutboxOutcome: Sendable {
    case delivered
    case retry(after: Duration, error: String)
    case park(error: String)
}
