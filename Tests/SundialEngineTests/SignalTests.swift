import Foundation
import Sundial
import Testing
@testable import SundialEngine
import SundialTestSupport

@Suite("Signals and timers")
struct SignalTests {
    @Test("a signal sent before the workflow waits is kept and delivered")
    func bufferedSignal() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(SignalProbe.self, key: "early", input: .init(delayMilliseconds: 300, timeoutMilliseconds: 10_000))
            // Delivered while the workflow still sleeps in `prepare`.
            let delivery = try await db.workflows.signal(started.id, name: "go", signalID: "sig-1", payload: SignalProbe.Payload(text: "early bird"))
            #expect(delivery == .accepted)
            let done = try await db.withWorker { _ in try await db.settled(started.id) }
            let output = try JSONDecoder.decode(SignalProbe.Output.self, from: done.output)
            #expect(output == SignalProbe.Output(branch: "received", payloads: ["early bird"]))
        }
    }

    @Test("a duplicate signal id is ignored and not delivered twice")
    func duplicateSignal() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(SignalProbe.self, key: "dup", input: .init(delayMilliseconds: 0, timeoutMilliseconds: 1500, waitTwice: true))
            let first = try await db.workflows.signal(started.id, name: "go", signalID: "same", payload: SignalProbe.Payload(text: "one"))
            let second = try await db.workflows.signal(started.id, name: "go", signalID: "same", payload: SignalProbe.Payload(text: "two"))
            #expect(first == .accepted)
            #expect(second == .duplicate)
            let done = try await db.withWorker { _ in try await db.settled(started.id) }
            let output = try JSONDecoder.decode(SignalProbe.Output.self, from: done.output)
            // The second wait saw no new signal and took its timeout branch.
            #expect(output == SignalProbe.Output(branch: "timedOut", payloads: ["one"]))
        }
    }

    @Test("a signal sent while the workflow waits wakes it at once")
    func signalWakesWaiter() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(SignalProbe.self, key: "live", input: .init(delayMilliseconds: 0, timeoutMilliseconds: 60_000))
            try await db.withWorker { _ in
                let waiting = try await eventually { try await db.workflows.workflow(started.id).status == .waiting }
                #expect(waiting)
                try await db.workflows.signal(started.id, name: "go", signalID: "s", payload: SignalProbe.Payload(text: "now"))
                let done = try await db.settled(started.id, timeout: .seconds(10))
                #expect(done.status == .completed)
                let output = try JSONDecoder.decode(SignalProbe.Output.self, from: done.output)
                #expect(output.payloads == ["now"])
            }
        }
    }

    @Test("with no signal, the timeout branch runs")
    func timeoutBranch() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(SignalProbe.self, key: "quiet", input: .init(delayMilliseconds: 0, timeoutMilliseconds: 300))
            let done = try await db.withWorker { _ in try await db.settled(started.id) }
            let output = try JSONDecoder.decode(SignalProbe.Output.self, from: done.output)
            #expect(output == SignalProbe.Output(branch: "timedOut", payloads: []))
        }
    }

    @Test("signals to finished or unknown workflows are refused clearly")
    func signalRefusals() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(FiveSteps.self, key: "done", input: .init(n: 1))
            _ = try await db.withWorker { _ in try await db.settled(started.id) }
            let finished = await #expect(throws: StoreError.self) {
                try await db.workflows.signal(started.id, name: "go", signalID: "late", payload: SignalProbe.Payload(text: "x"))
            }
            #expect(finished.map { String(describing: $0) }?.contains("completed") == true)
            let unknown = UUID()
            await #expect(throws: StoreError.notFound(unknown)) {
                try await db.workflows.signal(unknown, name: "go", signalID: "x", payloadJSON: "{}")
            }
            await #expect(throws: InputError.self) {
                try await db.workflows.signal(started.id, name: "go", signalID: "x", payloadJSON: "{oops")
            }
            let stored = try await db.scalar("SELECT count(*)::int8 FROM workflow_signals", as: Int64.self)
            #expect(stored == 0)
        }
    }

    @Test("a durable timer fires after the worker that set it is gone")
    func timerAcrossWorkerRestart() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(TimerProbe.self, key: "timer", input: .init(sleepMilliseconds: 1500))
            try await db.withWorker { _ in
                let sleeping = try await eventually { try await db.workflows.workflow(started.id).status == .sleeping }
                #expect(sleeping)
            }
            // No worker runs now; the timer is only a row in Postgres.
            let asleep = try await db.workflows.workflow(started.id)
            #expect(asleep.status == .sleeping)
            let dueAt = try #require(asleep.runAt)
            let done = try await db.withWorker { _ in try await db.settled(started.id) }
            #expect(done.status == .completed)
            let output = try JSONDecoder.decode(TimerProbe.Output.self, from: done.output)
            #expect(output.wokeAt >= dueAt.addingTimeInterval(-1))  // ISO 8601 storage drops fractions
        }
    }
}
