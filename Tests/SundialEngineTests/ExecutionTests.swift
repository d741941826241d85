import Foundation
import Sundial
import Testing
@testable import SundialEngine
import SundialTestSupport

@Suite("Running workflows")
struct ExecutionTests {
    @Test("a worker runs five immediately runnable states on one claim, one commit each")
    func runsOnWithoutReclaiming() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(FiveSteps.self, key: "five", input: .init(n: 5))
            let done = try await db.withWorker { _ in try await db.settled(started.id) }
            #expect(done.status == .completed)
            let output = try JSONDecoder.decode(FiveSteps.Output.self, from: done.output)
            #expect(output.visited == ["create", "pay", "label", "track", "invoice"])
            // One claim for the whole run: the fencing token moved once.
            #expect(done.fencingToken == 1)
            #expect(done.leaseOwner == nil)
            let history = try await db.workflows.history(started.id)
            #expect(history.map(\.event) == ["started", "transition", "transition", "transition", "transition", "completed"])
            #expect(history.dropFirst().allSatisfy { $0.workerID != nil && $0.durationMilliseconds != nil })
            #expect(history.map(\.visit) == [1, 1, 2, 3, 4, 5])
        }
    }

    @Test("many workflows across two in-process workers all complete")
    func manyWorkflows() async throws {
        try await TestDatabase.with { db in
            var ids: [UUID] = []
            for n in 0..<60 {
                ids.append(try await db.workflows.start(FiveSteps.self, key: "bulk-\(n)", input: .init(n: n)).id)
            }
            try await db.withWorker({ $0.concurrency = 4; $0.claimBatch = 3 }) { _ in
                try await db.withWorker({ $0.concurrency = 4 }) { _ in
                    let allDone = try await eventually {
                        try await db.store.countsByStatus()[.completed] == 60
                    }
                    #expect(allDone)
                }
            }
            let transitions = try await db.scalar("SELECT count(*)::int8 FROM workflow_history WHERE event IN ('transition','completed')", as: Int64.self)
            #expect(transitions == Int64(60 * 5))
        }
    }

    @Test("a retryable error is retried with backoff until it succeeds")
    func retryThenSucceed() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(FlakyProbe.self, key: "flaky", input: .init(failures: 2, permanent: false))
            let done = try await db.withWorker { _ in try await db.settled(started.id) }
            #expect(done.status == .completed)
            let output = try JSONDecoder.decode(FlakyProbe.Output.self, from: done.output)
            #expect(output == FlakyProbe.Output(via: "call", attempt: 3, previousError: nil))
            let history = try await db.workflows.history(started.id)
            let retries = history.filter { $0.event == "retry" }
            #expect(retries.map(\.attempt) == [1, 2])
            #expect(retries.allSatisfy { $0.error?.contains("503 from upstream") == true })
            // Retries keep the visit, so the idempotency key stays the same.
            #expect(Set(retries.map(\.visit)) == [1])
        }
    }

    @Test("a permanent error is not retried and takes the declared failure branch")
    func permanentErrorFailsOver() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(FlakyProbe.self, key: "declined", input: .init(failures: 9, permanent: true))
            let done = try await db.withWorker { _ in try await db.settled(started.id) }
            let output = try JSONDecoder.decode(FlakyProbe.Output.self, from: done.output)
            #expect(output.via == "fallback")
            #expect(output.previousError?.contains("declined") == true)
            let history = try await db.workflows.history(started.id)
            #expect(history.filter { $0.event == "retry" }.isEmpty)
            #expect(history.contains { $0.event == "failed-over" && $0.fromState == "call" && $0.toState == "fallback" })
        }
    }

    @Test("exhausted retries take the failure branch after max attempts")
    func exhaustedRetriesFailOver() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(FlakyProbe.self, key: "down", input: .init(failures: 99, permanent: false))
            let done = try await db.withWorker { _ in try await db.settled(started.id) }
            let output = try JSONDecoder.decode(FlakyProbe.Output.self, from: done.output)
            #expect(output.via == "fallback")
            let history = try await db.workflows.history(started.id)
            #expect(history.filter { $0.event == "retry" }.count == 3)
            #expect(history.contains { $0.event == "failed-over" && $0.attempt == 4 })
        }
    }

    @Test("a busy worker still fills its last free slots (claims gather briefly, never starve)")
    func lastSlotsAreFilled() async throws {
        try await TestDatabase.with { db in
            try await db.withWorker({ $0.concurrency = 8; $0.claimBatch = 8; $0.drainDeadline = .milliseconds(100) }) { worker in
                var ids: [UUID] = []
                for n in 0..<8 {
                    ids.append(try await db.workflows.start(SlowProbe.self, key: "slot-\(n)", input: .init(stepMilliseconds: 30_000)).id)
                    try await Task.sleep(for: .milliseconds(30))
                }
                let allRunning = try await eventually(timeout: .seconds(5)) { worker.inFlightCount == 8 }
                #expect(allRunning, "only \(worker.inFlightCount) of 8 slots in use")
            }
        }
    }
}
