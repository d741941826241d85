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
                // The first run was still hanging when another run finished the workflow. Steps
                // run at least once: a later run that overran its own 1 s limit on a loaded
                // machine is retried and records "completed" again, so only the hung run is
                // counted exactly, and the workflow's history holds one completion.
                let events = try await db.world.events(for: "hang-1")
                #expect(events.first == "hung" && events.filter { $0 == "hung" }.count == 1, "\(events)")
                #expect(events.dropFirst().allSatisfy { $0 == "completed" } && events.count >= 2, "\(events)")
                #expect(try await db.store.history(id).filter { $0.event == "completed" }.count == 1)
            }
        }
    }
}
