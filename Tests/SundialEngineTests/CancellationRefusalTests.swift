import Foundation
import Sundial
import Testing
@testable import SundialEngine
import SundialTestSupport

@Suite("Cancellation refusal")
struct CancellationRefusalTests {
    /// `pack` holds its lease while it waits at the gate: a long lease keeps a stalled, loaded
    /// machine from losing it (a re-claim would see the cancel while still in `pack`).
    static func longLease(_ configuration: inout WorkerConfiguration) {
        configuration.leaseDuration = .seconds(60)
    }

    @Test("a cancel in a state that refuses it throws cancelRefused and changes nothing")
    func refusedByTheClient() async throws {
        try await TestDatabase.with { db in
            let tag = "refuse-now"
            try await db.world.record("open", for: tag + "-go")
            let started = try await db.workflows.start(RefusalProbe.self, key: tag, input: .init(tag: tag, shippedThen: "await"))
            try await db.withWorker { _ in
                // `shipped` ran and waits for delivery: both refuse a cancel.
                let shipped = try await eventually {
                    let snapshot = try await db.workflows.workflow(started.id)
                    return snapshot.status == .waiting && snapshot.state == "delivered"
                }
                #expect(shipped)
                let before = try await db.workflows.workflow(started.id)
                let historyBefore = try await db.workflows.history(started.id)

                await #expect(throws: StoreError.cancelRefused(started.id, reason: RefusalProbe.refusal)) {
                    try await db.workflows.cancel(started.id, reason: "customer changed their mind", actor: "support")
                }
                #expect(try await db.workflows.workflow(started.id) == before)
                #expect(try await db.workflows.history(started.id) == historyBefore)

                try await db.workflows.signal(started.id, name: "delivered", signalID: "d", payloadJSON: "{}")
                let done = try await db.settled(started.id)
                #expect(done.status == .completed)
                #expect(done.cancelRequested == false)
            }
            // No undo ran ("packing" may repeat if a starved worker lost its lease and re-ran it).
            let events = try await db.world.events(for: tag)
            #expect(!events.isEmpty && events.allSatisfy { $0 == "packing" }, "\(events)")
        }
    }

    @Test("a cancel accepted before the workflow moved to a refusing state is dropped: no undo, it completes")
    func acceptedThenRefusedByTheWorker() async throws {
        try await TestDatabase.with { db in
            let tag = "race-next"
            let started = try await db.workflows.start(RefusalProbe.self, key: tag, input: .init(tag: tag))
            try await db.withWorker(Self.longLease) { _ in
                // `pack` (cancellable) is running and holds at its gate.
                let packing = try await eventually { try await db.world.events(for: tag) == ["packing"] }
                #expect(packing)
                try await db.workflows.cancel(started.id, reason: "customer changed their mind", actor: "support")
                let requested = try await db.workflows.workflow(started.id)
                #expect(requested.cancelRequested)
                #expect(requested.state == "pack")

                // `pack` goes on to `shipped`, which refuses the cancel.
                try await db.world.record("open", for: tag + "-go")
                let done = try await db.settled(started.id)
                #expect(done.status == .completed)
                #expect(done.state == "shipped")
                #expect(done.cancelRequested == false)
                #expect(done.compensations != "[]")
            }
            #expect(try await db.world.events(for: tag) == ["packing"])
            let history = try await db.workflows.history(started.id)
            #expect(history.contains { $0.event == "cancel-requested" && $0.workerID == "support" })
            #expect(!history.contains { ["cancelling", "cancelled", "undo"].contains($0.event) })
            #expect(history.last?.event == "completed")
        }
    }

    @Test("a dropped cancel leaves a waiting workflow waiting for its signal")
    func droppedCancelKeepsTheWait() async throws {
        try await TestDatabase.with { db in
            let tag = "race-await"
            let started = try await db.workflows.start(RefusalProbe.self, key: tag, input: .init(tag: tag, shippedThen: "await"))
            try await db.withWorker(Self.longLease) { _ in
                let packing = try await eventually { try await db.world.events(for: tag) == ["packing"] }
                #expect(packing)
                try await db.workflows.cancel(started.id, reason: "too slow", actor: "support")
                try await db.world.record("open", for: tag + "-go")

                let settledWaiting = try await eventually {
                    let snapshot = try await db.workflows.workflow(started.id)
                    return snapshot.status == .waiting && snapshot.state == "delivered" && !snapshot.cancelRequested
                }
                #expect(settledWaiting)
                let waiting = try await db.workflows.workflow(started.id)
                #expect(waiting.waitSignal == "delivered")
                // A new cancel is refused now, and the dropped one did not undo anything.
                await #expect(throws: StoreError.cancelRefused(started.id, reason: RefusalProbe.refusal)) {
                    try await db.workflows.cancel(started.id, reason: "again", actor: "support")
                }
                #expect(try await db.world.events(for: tag) == ["packing"])

                try await db.workflows.signal(started.id, name: "delivered", signalID: "d", payloadJSON: "{}")
                let done = try await db.settled(started.id)
                #expect(done.status == .completed)
            }
            #expect(try await db.world.events(for: tag) == ["packing"])
        }
    }

    @Test("a cancel dropped as the workflow goes to sleep in a refusing state does not cut the sleep short")
    func droppedCancelKeepsTheSleepBeforeARefusingState() async throws {
        try await TestDatabase.with { db in
            let tag = "race-sleep-into"
            let nap = 1500
            let started = try await db.workflows.start(RefusalProbe.self, key: tag, input: .init(tag: tag, packThen: "sleep", sleepMilliseconds: nap))
            let gateOpened = try await db.withWorker(Self.longLease) { _ in
                let packing = try await eventually { try await db.world.events(for: tag) == ["packing"] }
                #expect(packing)
                try await db.workflows.cancel(started.id, reason: "customer changed their mind", actor: "support")
                let opened = Date()
                try await db.world.record("open", for: tag + "-go")
                let done = try await db.settled(started.id)
                #expect(done.status == .completed)
                #expect(done.cancelRequested == false)
                return opened
            }
            #expect(try await db.world.events(for: tag) == ["packing"])
            let done = try await db.workflows.workflow(started.id)
            let output = try JSONDecoder.decode(RefusalProbe.Output.self, from: done.output)
            // `pack` committed its sleep after the gate opened; `shipped` may not run before it ends.
            let shipped = try #require(output.ranAt["shipped"])
            #expect(shipped - gateOpened.timeIntervalSince1970 >= Double(nap) / 1000 - 0.05)
        }
    }

    @Test("a cancel dropped in a refusing state does not cut that state's sleep short")
    func droppedCancelKeepsTheSleepOfARefusingState() async throws {
        try await TestDatabase.with { db in
            let tag = "race-sleep-in"
            let nap = 1500
            let started = try await db.workflows.start(RefusalProbe.self, key: tag, input: .init(tag: tag, shippedThen: "sleep", sleepMilliseconds: nap))
            try await db.withWorker(Self.longLease) { _ in
                let packing = try await eventually { try await db.world.events(for: tag) == ["packing"] }
                #expect(packing)
                try await db.workflows.cancel(started.id, reason: "customer changed their mind", actor: "support")
                try await db.world.record("open", for: tag + "-go")
                let done = try await db.settled(started.id)
                #expect(done.status == .completed)
                #expect(done.cancelRequested == false)
            }
            #expect(try await db.world.events(for: tag) == ["packing"])
            let done = try await db.workflows.workflow(started.id)
            let output = try JSONDecoder.decode(RefusalProbe.Output.self, from: done.output)
            let shipped = try #require(output.ranAt["shipped"])
            let delivered = try #require(output.ranAt["delivered"])
            #expect(delivered - shipped >= Double(nap) / 1000 - 0.05)
        }
    }

    @Test("a cancel that reaches a refusing state (a client's check raced a step) is dropped, and that state's sleep is kept")
    func cancelLandingInARefusingState() async throws {
        try await TestDatabase.with { db in
            let tag = "late-cancel"
            try await db.world.record("open", for: tag + "-go")
            let started = try await db.workflows.start(RefusalProbe.self, key: tag, input: .init(
                tag: tag, packThen: "sleep", shippedThen: "sleep", sleepMilliseconds: 60_000))
            try await db.withWorker { _ in
                let sleeping = try await eventually {
                    let snapshot = try await db.workflows.workflow(started.id)
                    return snapshot.status == .sleeping && snapshot.state == "shipped"
                }
                #expect(sleeping)
                // What a client's cancel does when the step moved on after its refusal check.
                try await db.store.requestCancel(workflowID: started.id, reason: "raced", actor: "support")
                let refused = try await eventually {
                    try await db.workflows.history(started.id).contains { $0.event == "cancel-refused" || $0.toState == "delivered" }
                }
                #expect(refused)
                let after = try await db.workflows.workflow(started.id)
                #expect(after.cancelRequested == false)
                #expect(after.status == .sleeping)
                #expect(after.state == "delivered")
                // The minute's sleep `shipped` started is kept.
                #expect(try #require(after.runAt).timeIntervalSinceNow > 30)
            }
            #expect(try await db.world.events(for: tag) == ["packing"])
        }
    }
}
