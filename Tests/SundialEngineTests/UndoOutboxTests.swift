import Foundation
import Sundial
import Testing
@testable import SundialEngine
import SundialTestSupport

@Suite("Outbox messages from undo steps")
struct UndoOutboxTests {
    @Test("an undo's messages are committed with the undo, once each, and a failed attempt's are dropped")
    func undoMessagesCommitWithTheUndo() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(UndoNoticeProbe.self, key: "o1", input: .init(order: "o1"))
            let done = try await db.withWorker { _ in try await db.settled(started.id) }
            #expect(done.status == .compensated)
            let history = try await db.workflows.history(started.id)
            // Each undo failed once (after enqueueing) and was retried.
            #expect(history.map(\.event).suffix(5) == ["failed", "undo-retry", "undo", "undo-retry", "undo, compensated"])

            let id = started.id.uuidString.lowercased()
            let rows = try await db.store.outbox(of: started.id)
            #expect(rows.map(\.dedupeKey) == ["\(id)/undo/2/1", "refund-o1-meal", "\(id)/undo/1/1", "refund-o1-seat"])
            #expect(rows.allSatisfy { $0.topic == "order-status" && $0.status == "pending" })
            let notices = try rows.map { try JSONDecoder.decode(UndoNoticeProbe.Notice.self, from: $0.payload) }
            #expect(notices.map(\.status) == ["meal cancelled", "meal refunded", "seat cancelled", "seat refunded"])
            #expect(notices.allSatisfy { $0.order == "o1" })

            // Written in the transaction of the successful undo commit: same transaction time.
            let sameTransaction = try await db.scalar("""
                SELECT count(*)::int8 FROM outbox o
                WHERE o.workflow_id = \(started.id) AND EXISTS (
                    SELECT 1 FROM workflow_history h
                    WHERE h.workflow_id = o.workflow_id AND h.event IN ('undo', 'undo, compensated') AND h.created_at = o.created_at)
                """, as: Int64.self)
            #expect(sameTransaction == 4)
            let lost = try await db.scalar("SELECT count(*)::int8 FROM outbox WHERE dedupe_key LIKE 'lost-%'", as: Int64.self)
            #expect(lost == 0)
        }
    }
}
