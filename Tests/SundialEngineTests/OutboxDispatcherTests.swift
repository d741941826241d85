import Foundation
import Sundial
import Synchronization
import Testing
@testable import SundialEngine
import SundialTestSupport

/// A receiver standing in for the e-commerce platform: records what arrives, and refuses the
/// first `failures` deliveries.
final class RecordingTransport: OutboxTransport {
    let topics: Set<String> = ["order-status"]
    private let state: Mutex<(failuresLeft: Int, received: [OutboxDelivery])>

    init(failures: Int) { state = Mutex((failures, [])) }

    var received: [OutboxDelivery] { state.withLock { $0.received } }

    func deliver(_ message: OutboxDelivery) async throws {
        let fail = state.withLock { state -> Bool in
            if state.failuresLeft > 0 {
                state.failuresLeft -= 1
                return true
            }
            state.received.append(message)
            return false
        }
        if fail { throw WorkflowError.retryable("receiver answered 503") }
    }
}

@Suite("Outbox delivery")
struct OutboxDispatcherTests {
    private func messageFromAWorkflow(_ db: TestDatabase, key: String) async throws -> UUID {
        let started = try await db.workflows.start(ParentProbe.self, key: key, input: .init(order: key))
        try await db.withWorker { _ in _ = try await db.settled(started.id) }
        return started.id
    }

    private let fast = OutboxDispatcher.Configuration(
        maxAttempts: 5, retry: RetryPolicy(initialDelay: .milliseconds(10), maxDelay: .milliseconds(40), jitter: 0, maxAttempts: 100),
        batchSize: 8, pollInterval: .milliseconds(20), lease: .seconds(30))

    @Test("a message is delivered once and marked delivered")
    func delivers() async throws {
        try await TestDatabase.with { db in
            let id = try await messageFromAWorkflow(db, key: "SO-1")
            let transport = RecordingTransport(failures: 0)
            let dispatcher = OutboxDispatcher(store: db.store, transport: transport, configuration: fast, logger: db.logger)
            #expect(await dispatcher.dispatchOnce() == 1)
            #expect(await dispatcher.dispatchOnce() == 0)
            #expect(transport.received.count == 1)
            #expect(transport.received.first?.workflowID == id)
            #expect(transport.received.first?.payload.contains("confirmed") == true)
            let rows = try await db.store.outbox(of: id)
            #expect(rows.map(\.status) == ["delivered"])
        }
    }

    @Test("failures are retried with backoff, parked after the fifth attempt, and replay delivers")
    func retriesThenParksThenReplays() async throws {
        try await TestDatabase.with { db in
            let id = try await messageFromAWorkflow(db, key: "SO-2")
            let transport = RecordingTransport(failures: 5)
            let dispatcher = OutboxDispatcher(store: db.store, transport: transport, configuration: fast, logger: db.logger)
            let parked = try await eventually(timeout: .seconds(10), every: .milliseconds(20)) {
                await dispatcher.dispatchOnce()
                return try await db.store.outbox(of: id).first?.status == "parked"
            }
            #expect(parked)
            let row = try #require(try await db.store.outbox(of: id).first)
            #expect(row.attempts == 5)
            #expect(transport.received.isEmpty)
            #expect(try await db.store.parkedOutbox().map(\.id) == [row.id])

            #expect(try await db.store.replayOutbox(id: row.id))
            #expect(try await db.store.replayOutbox(id: row.id) == false)  // no longer parked
            #expect(await dispatcher.dispatchOnce() == 1)
            #expect(transport.received.count == 1)
            #expect(try await db.store.outbox(of: id).first?.status == "delivered")
        }
    }

    @Test("a message no transport delivers is parked at once, not retried forever")
    func unknownTopicIsParked() async throws {
        try await TestDatabase.with { db in
            let id = try await messageFromAWorkflow(db, key: "SO-3")
            struct Elsewhere: OutboxTransport {
                let topics: Set<String> = ["warehouse"]
                func deliver(_ message: OutboxDelivery) async throws {}
            }
            let dispatcher = OutboxDispatcher(store: db.store, transport: Elsewhere(), configuration: fast, logger: db.logger)
            #expect(await dispatcher.dispatchOnce() == 1)
            let row = try #require(try await db.store.outbox(of: id).first)
            #expect(row.status == "parked")
            #expect(row.attempts == 1)
        }
    }
}
