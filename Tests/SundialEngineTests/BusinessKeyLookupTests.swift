import Foundation
import Sundial
import Testing
@testable import SundialEngine
import SundialTestSupport

@Suite("Lookup by business key")
struct BusinessKeyLookupTests {
    @Test("workflow(type:key:) finds a workflow by its business key, and nil for an unknown one")
    func findsByBusinessKey() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(FiveSteps.self, key: "order-1001", input: .init(n: 1))
            _ = try await db.workflows.start(FiveSteps.self, key: "order-1002", input: .init(n: 2))
            let found = try #require(try await db.workflows.workflow(type: FiveSteps.name, key: "order-1001"))
            #expect(found.id == started.id)
            #expect(found.businessKey == "order-1001")
            #expect(found.type == FiveSteps.name)
            #expect(try await db.workflows.workflow(type: FiveSteps.name, key: "order-9999") == nil)
            // The key belongs to a type: the same key under another type is not that workflow.
            #expect(try await db.workflows.workflow(type: TimerProbe.name, key: "order-1001") == nil)
        }
    }
}
