import Foundation
import Sundial
import Testing
@testable import SundialEngine
import SundialTestSupport

@Suite("Retention")
struct RetentionTests {
    @Test("old finished workflows go in batches with their history; recent, active and failed ones stay")
    func deletesOnlyOldFinished() async throws {
        try await TestDatabase.with { db in
            var old: [UUID] = []
            for n in 0..<5 {
                old.append(try await db.workflows.start(FiveSteps.self, key: "old-\(n)", input: .init(n: n)).id)
            }
            let recent = try await db.workflows.start(FiveSteps.self, key: "recent", input: .init(n: 9)).id
            let failing = try await db.workflows.start(SagaProbe.self, key: "failed", input: .init(tag: "r", mode: "none")).id
            let everyone = old + [recent, failing]
            try await db.withWorker { _ in
                for id in everyone { _ = try await db.settled(id) }
            }
            let active = try await db.workflows.start(FiveSteps.self, key: "active", input: .init(n: 1)).id
            // Age the five old ones (and the one in a status that waits for an operator).
            try await db.client.query("UPDATE workflows SET finished_at = now() - interval '40 days' WHERE id = ANY(\(everyone.prefix(5).map { $0 }))", logger: db.logger)
            // A failed workflow has no finished_at: it waits for an operator however old it is.
            try await db.client.query("UPDATE workflows SET status = 'failed', finished_at = NULL, updated_at = now() - interval '40 days' WHERE id = \(failing)", logger: db.logger)

            let service = RetentionService(store: db.store, configuration: .init(retainFor: .seconds(30 * 86_400), batchSize: 2), logger: db.logger)
            #expect(await service.sweep(olderThan: .seconds(30 * 86_400)) == 2)
            #expect(await service.sweep(olderThan: .seconds(30 * 86_400)) == 2)
            #expect(await service.sweep(olderThan: .seconds(30 * 86_400)) == 1)
            #expect(await service.sweep(olderThan: .seconds(30 * 86_400)) == 0)

            let left = try await db.scalar("SELECT count(*)::int8 FROM workflows", as: Int64.self)
            #expect(left == 3)  // recent, failed, active
            let orphans = try await db.scalar("SELECT count(*)::int8 FROM workflow_history WHERE workflow_id = ANY(\(everyone.prefix(5).map { $0 }))", as: Int64.self)
            #expect(orphans == 0)
            for id in [recent, failing, active] { _ = try await db.workflows.workflow(id) }
        }
    }
}
