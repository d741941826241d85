import Foundation
import Sundial
@testable import SundialEngine
import SundialTestSupport
import Testing

@Suite("Stuck steps")
struct StuckStepTests {
    @Test("a step deaf to cancellation loses its lease after its time limit and grace; another run finishes the workflow")
    func stuckStepIsTakenOver() async throws {
        try await TestDatabase.with { db in
            // A 4 s lease: with 2 s, a heartbeat starved by the parallel suite on 2 cores let the
            // lease lapse before the first run had recorded "hung", and two runs hung.
            try await db.withWorker({ $0.leaseDuration = .seconds(4); $0.stepOverrunGrace = .seconds(1) }) { _ in
                let id = try await db.workflows.start(HangProbe.self, key: "hang-1", input: .init(key: "hang-1", hangSeconds: 16)).id
                let done = try await db.settled(id, timeout: .seconds(15))
                #expect(done.status == .completed)
                // The first run was still hanging when another run finished the workflow.
                let events = try await db.world.events(for: "hang-1")
                #expect(events == ["hung", "completed"], "\(events)")
                #expect(try await db.store.history(id).filter { $0.event == "completed" }.count == 1)
            }
        }
    }
}
