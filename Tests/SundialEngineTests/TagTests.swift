import Foundation
import Sundial
import Testing
@testable import SundialEngine
import SundialTestSupport

@Suite("Workflow tags")
struct TagTests {
    @Test("a tag committed with a step finds the workflow; a tag from an attempt that threw is not written")
    func committedTagsOnly() async throws {
        try await TestDatabase.with { db in
            let first = try await db.workflows.start(TagProbe.self, key: "order-1", input: .init(tracking: "794644790132"))
            let second = try await db.workflows.start(TagProbe.self, key: "order-2", input: .init(tracking: "794644790132"))
            let other = try await db.workflows.start(TagProbe.self, key: "order-3", input: .init(tracking: "1Z999AA10123456784"))
            try await db.withWorker { _ in
                for id in [first.id, second.id, other.id] {
                    let done = try await db.settled(id)
                    #expect(done.status == .completed)
                }
            }
            let history = try await db.workflows.history(first.id).map(\.event)
            #expect(history.contains("retry"))

            #expect(Set(try await db.workflows.workflowIDs(tag: "tracking_number", value: "794644790132")) == [first.id, second.id])
            #expect(try await db.workflows.workflowIDs(tag: "tracking_number", value: "1Z999AA10123456784") == [other.id])
            #expect(try await db.workflows.workflowIDs(tag: "tracking_number", value: "void-794644790132").isEmpty)
            #expect(try await db.workflows.workflowIDs(tag: "tracking_number", value: "unknown").isEmpty)
            #expect(try await db.workflows.workflowIDs(tag: "carrier", value: "fedex").count == 3)
            // One row per tag: the repeated tag and the retried step wrote nothing twice.
            let rows = try await db.scalar("SELECT count(*)::int8 FROM workflow_tags WHERE workflow_id = \(first.id)", as: Int64.self)
            #expect(rows == 2)
        }
    }

    @Test("retention removes the tags of the workflows it deletes and keeps the others'")
    func retentionRemovesTags() async throws {
        try await TestDatabase.with { db in
            let finished = try await db.workflows.start(TagProbe.self, key: "old", input: .init(tracking: "111"))
            let active = try await db.workflows.start(TagProbe.self, key: "active", input: .init(tracking: "222", wait: true))
            try await db.withWorker { _ in
                let done = try await db.settled(finished.id)
                #expect(done.status == .completed)
                let waiting = try await eventually { try await db.workflows.workflow(active.id).status == .waiting }
                #expect(waiting)
            }
            #expect(try await db.workflows.workflowIDs(tag: "tracking_number", value: "111") == [finished.id])
            try await db.client.query("UPDATE workflows SET finished_at = now() - interval '40 days' WHERE id = \(finished.id)", logger: db.logger)

            #expect(try await db.store.deleteFinished(olderThan: .seconds(30 * 86_400), limit: 10) == 1)
            #expect(try await db.workflows.workflowIDs(tag: "tracking_number", value: "111").isEmpty)
            let orphans = try await db.scalar("SELECT count(*)::int8 FROM workflow_tags WHERE workflow_id = \(finished.id)", as: Int64.self)
            #expect(orphans == 0)
            #expect(try await db.workflows.workflowIDs(tag: "tracking_number", value: "222") == [active.id])
            #expect(try await db.workflows.workflowIDs(tag: "carrier", value: "fedex") == [active.id])
        }
    }
}
