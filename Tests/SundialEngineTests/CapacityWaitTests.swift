import Foundation
import Sundial
import Testing
@testable import SundialEngine
import SundialTestSupport

@Suite("Waiting for API capacity")
struct CapacityWaitTests {
    @Test("a handler that throws CapacityWait sleeps without spending an attempt, shows why, and runs again")
    func sleepsWithoutSpendingAnAttempt() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(CapacityProbe.self, key: "full", input: .init(tag: "full", waits: nil, retryAfterMilliseconds: 200))
            try await db.withWorker { _ in
                // Several tries have waited: it keeps coming back for capacity.
                let waited = try await eventually { try await db.world.events(for: "full").count >= 3 }
                #expect(waited)
                let waiting = try await db.workflows.workflow(started.id)
                #expect(waiting.status == .sleeping)
                #expect(waiting.attempt == 0)
                #expect(waiting.visit == 1)
                #expect(waiting.state == "call")
                #expect(waiting.lastError?.hasPrefix("waiting for capacity") == true)
                #expect(waiting.lastError?.contains("fedex") == true)
                let history = try await db.workflows.history(started.id)
                let waits = history.filter { $0.event == "capacity-wait" }
                #expect(waits.count >= 2)
                #expect(waits.allSatisfy { $0.attempt == 1 && $0.error?.contains("rate limit 1400 per 10 s") == true })
                #expect(!history.contains { $0.event == "retry" || $0.event == "failed" })

                // Capacity frees up: the next try goes through.
                try await db.world.record("freed", for: "full-freed")
                let done = try await db.settled(started.id)
                #expect(done.status == .completed)
                #expect(done.lastError == nil)
                let output = try JSONDecoder.decode(CapacityProbe.Output.self, from: done.output)
                #expect(output.attempt == 1)
            }
        }
    }

    @Test("twenty waits for capacity, then success, completes under a two-attempt policy")
    func waitsDoNotExhaustRetries() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(CapacityProbe.self, key: "twenty", input: .init(tag: "twenty", waits: 20, retryAfterMilliseconds: 10))
            let done = try await db.withWorker { _ in try await db.settled(started.id, timeout: .seconds(60)) }
            #expect(done.status == .completed)
            let output = try JSONDecoder.decode(CapacityProbe.Output.self, from: done.output)
            #expect(output == CapacityProbe.Output(attempt: 1, tries: 21))
            let entries = try await db.workflows.history(started.id)
            let history = entries.map(\.event)
            #expect(history.filter { $0 == "capacity-wait" }.count == 20)
            #expect(history.first == "started")
            #expect(history.last == "completed")
            let retries = entries.filter { $0.event == "retry" }.map { $0.error ?? "" }
            #expect(retries.isEmpty, "attempts spent on: \(retries)")
        }
    }

    @Test("the step sleeps for the retryAfter the CapacityWait asked for")
    func sleepsForRetryAfter() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(CapacityProbe.self, key: "minute", input: .init(tag: "minute", waits: nil, retryAfterMilliseconds: 60_000))
            try await db.withWorker { _ in
                let waited = try await eventually { try await db.workflows.history(started.id).contains { $0.event == "capacity-wait" } }
                #expect(waited)
                let sleeping = try await db.workflows.workflow(started.id)
                #expect(sleeping.status == .sleeping)
                #expect(sleeping.leaseOwner == nil)
                let wakesIn = try #require(sleeping.runAt).timeIntervalSinceNow
                #expect(wakesIn > 30 && wakesIn <= 60)
            }
            #expect(try await db.world.events(for: "minute").count == 1)
        }
    }

    @Test("an undo that waits for capacity spends no attempt of its compensation policy either")
    func undoWaitsWithoutSpendingAttempts() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(CapacityUndoProbe.self, key: "undo-waits", input: .init(tag: "undo-waits", waits: 3))
            let done = try await db.withWorker { _ in try await db.settled(started.id) }
            // Three waits, one real failure (attempt 1), then success on attempt 2 of 2.
            #expect(done.status == .compensated)
            #expect(try await db.world.events(for: "undo-waits") == ["try 1", "try 1", "try 1", "try 1", "try 2"])
            let history = try await db.workflows.history(started.id)
            #expect(history.map(\.event).suffix(6) == ["failed", "capacity-wait", "capacity-wait", "capacity-wait", "undo-retry", "undo, compensated"])
        }
    }
}
