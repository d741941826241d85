import Foundation
import Sundial
import Testing
@testable import SundialEngine
import SundialTestSupport

@Suite("Resume by an operator")
struct OperatorResumeTests {
    @Test("resume sends a workflow parked for an operator the resume signal with the reason and actor")
    func resumeSignalsAParkedWorkflow() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(ResumeProbe.self, key: "parked", input: .init(tag: "parked", mode: "park"))
            try await db.withWorker { _ in
                let parked = try await eventually {
                    let snapshot = try await db.workflows.workflow(started.id)
                    return snapshot.status == .waiting && snapshot.waitSignal == WorkflowClient.resumeSignal
                }
                #expect(parked)
                try await db.workflows.resume(started.id, reason: "address confirmed by phone", actor: "ops-anna")
                let done = try await db.settled(started.id)
                #expect(done.status == .completed)
                let output = try JSONDecoder.decode(ResumeProbe.Output.self, from: done.output)
                #expect(output == ResumeProbe.Output(via: "resumed", payload: ["reason": "address confirmed by phone", "actor": "ops-anna"], attempt: 1))
            }
            let signals = try await db.scalar("""
                SELECT count(*)::int8 FROM workflow_signals
                WHERE workflow_id = \(started.id) AND name = 'resume' AND consumed_at IS NOT NULL
                """, as: Int64.self)
            #expect(signals == 1)
        }
    }

    @Test("resume of a failed workflow still runs its state again with fresh attempts")
    func resumeOfAFailedWorkflow() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(ResumeProbe.self, key: "failed", input: .init(tag: "failed", mode: "fail"))
            try await db.withWorker { _ in
                let failed = try await db.settled(started.id)
                #expect(failed.status == .failed)
                #expect(failed.lastError?.contains("address does not exist") == true)

                try await db.world.record("fixed", for: "failed-fixed")
                try await db.workflows.resume(started.id, reason: "address corrected", actor: "ops-anna")
                let done = try await db.settled(started.id)
                #expect(done.status == .completed)
                let output = try JSONDecoder.decode(ResumeProbe.Output.self, from: done.output)
                #expect(output == ResumeProbe.Output(via: "check", payload: [:], attempt: 1))
            }
            let history = try await db.workflows.history(started.id)
            #expect(history.contains { $0.event == "resumed" && $0.error == "address corrected" && $0.workerID == "ops-anna" })
            let signals = try await db.scalar("SELECT count(*)::int8 FROM workflow_signals WHERE workflow_id = \(started.id)", as: Int64.self)
            #expect(signals == 0)
        }
    }

    @Test("resume of a workflow waiting for another signal is refused and sends nothing")
    func resumeRefusedForOtherWaits() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(SignalProbe.self, key: "waiting", input: .init(delayMilliseconds: 0, timeoutMilliseconds: 60_000))
            try await db.withWorker { _ in
                let waiting = try await eventually { try await db.workflows.workflow(started.id).status == .waiting }
                #expect(waiting)
                let refusal = await #expect(throws: StoreError.self) { try await db.workflows.resume(started.id, reason: "nudge", actor: "ops") }
                #expect(refusal.map { String(describing: $0) }?.contains("waiting") == true)
            }
            let signals = try await db.scalar("SELECT count(*)::int8 FROM workflow_signals WHERE workflow_id = \(started.id)", as: Int64.self)
            #expect(signals == 0)
        }
    }
}
