import Foundation
import Sundial
import Testing
@testable import SundialEngine
import SundialTestSupport

@Suite("Transition.cancel")
struct CancelTransitionTests {
    @Test("a handler's cancel with nothing to undo ends cancelled at once, with the reason in history")
    func cancelWithoutUndos() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(CancelProbe.self, key: "declined", input: .init(tag: "declined", withUndos: false))
            let done = try await db.withWorker { _ in try await db.settled(started.id) }
            #expect(done.status == .cancelled)
            #expect(done.state == "charge")
            #expect(done.finishedAt != nil)
            #expect(done.compensations == "[]")
            #expect(try await db.world.events(for: "declined").isEmpty)
            let history = try await db.workflows.history(started.id)
            #expect(history.map(\.event) == ["started", "transition", "cancelled"])
            #expect(history.last?.error == CancelProbe.reason)
            #expect(history.last?.fromState == "charge")
            let reason = try await db.scalar("SELECT cancel_reason FROM workflows WHERE id = \(started.id)", as: String.self)
            #expect(reason == CancelProbe.reason)
        }
    }

    @Test("a handler's cancel runs the registered undos newest first (its own too) and ends cancelled, not compensated")
    func cancelRunsUndos() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(CancelProbe.self, key: "declined-undo", input: .init(tag: "declined-undo", withUndos: true))
            let done = try await db.withWorker { _ in try await db.settled(started.id) }
            #expect(done.status == .cancelled)
            #expect(done.compensations == "[]")
            #expect(try await db.world.events(for: "declined-undo") == ["undo hold", "undo stock"])
            let history = try await db.workflows.history(started.id)
            #expect(history.map(\.event) == ["started", "transition", "cancelling", "undo", "undo, cancelled"])
            #expect(history.first { $0.event == "cancelling" }?.error == CancelProbe.reason)
            #expect(!history.contains { $0.event.contains("compensated") })
        }
    }
}
