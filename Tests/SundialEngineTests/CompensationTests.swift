import Foundation
import Sundial
import Testing
@testable import SundialEngine
import SundialTestSupport

@Suite("Compensations")
struct CompensationTests {
    @Test("a failing workflow runs its undos newest first and ends compensated")
    func undoInReverseOrder() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(SagaProbe.self, key: "saga-fail", input: .init(tag: "saga-fail", mode: "fail"))
            let done = try await db.withWorker { _ in try await db.settled(started.id) }
            #expect(done.status == .compensated)
            #expect(done.lastError == "third step failed on purpose")
            #expect(try await db.world.events(for: "saga-fail") == ["undo third", "undo second", "undo first"])
            #expect(done.compensations == "[]")
            let events = try await db.workflows.history(started.id).map(\.event)
            #expect(events.suffix(4) == ["failed", "undo", "undo", "undo, compensated"])
        }
    }

    @Test("cancelling a waiting workflow runs its undos and ends cancelled")
    func cancelRunsUndos() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(SagaProbe.self, key: "saga-cancel", input: .init(tag: "saga-cancel", mode: "wait"))
            try await db.withWorker { _ in
                let waiting = try await eventually { try await db.workflows.workflow(started.id).status == .waiting }
                #expect(waiting)
                try await db.workflows.cancel(started.id, reason: "customer changed their mind", actor: "support")
                let done = try await db.settled(started.id)
                #expect(done.status == .cancelled)
            }
            #expect(try await db.world.events(for: "saga-cancel") == ["undo third", "undo second", "undo first"])
            let history = try await db.workflows.history(started.id)
            #expect(history.contains { $0.event == "cancel-requested" && $0.error == "customer changed their mind" && $0.workerID == "support" })
            // A finished workflow refuses another cancel, clearly.
            await #expect(throws: StoreError.self) {
                try await db.workflows.cancel(started.id, reason: "again", actor: "support")
            }
        }
    }

    @Test("an undo that exhausts its retries stops in compensation_failed; resume finishes it")
    func compensationFailedThenResume() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(SagaProbe.self, key: "saga-undo", input: .init(tag: "saga-undo", mode: "failUndo"))
            try await db.withWorker { _ in
                let stuck = try await db.settled(started.id)
                #expect(stuck.status == .compensationFailed)
                #expect(stuck.lastError?.contains("refund API down") == true)
                #expect(try await db.world.events(for: "saga-undo") == ["undo third"])

                // Resuming a workflow that is not failed is refused with the reason.
                let other = try await db.workflows.start(FiveSteps.self, key: "ok", input: .init(n: 1))
                _ = try await db.settled(other.id)
                let refusal = await #expect(throws: StoreError.self) { try await db.workflows.resume(other.id) }
                #expect(refusal.map { String(describing: $0) }?.contains("completed") == true)

                // The operator fixes the cause, then resumes.
                try await db.world.record("fixed", for: "saga-undo-resume")
                try await db.workflows.resume(started.id, reason: "refund API back", actor: "ops")
                let done = try await db.settled(started.id)
                #expect(done.status == .compensated)
            }
            #expect(try await db.world.events(for: "saga-undo") == ["undo third", "undo second", "undo first"])
        }
    }
}
