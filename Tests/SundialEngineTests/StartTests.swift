import Foundation
import Sundial
import Testing
@testable import SundialEngine
import SundialTestSupport

@Suite("Idempotent start")
struct StartTests {
    @Test("the same key and input return the existing workflow; a different input is a conflict")
    func idempotentStart() async throws {
        try await TestDatabase.with { db in
            let first = try await db.workflows.start(FiveSteps.self, key: "order-1", input: .init(n: 1))
            let again = try await db.workflows.start(FiveSteps.self, key: "order-1", input: .init(n: 1))
            #expect(first.created)
            #expect(!again.created)
            #expect(again.id == first.id)

            let conflict = await #expect(throws: StoreError.self) {
                try await db.workflows.start(FiveSteps.self, key: "order-1", input: .init(n: 2))
            }
            #expect(conflict == .conflictingInput(type: FiveSteps.name, businessKey: "order-1", existingID: first.id))

            // Key order in JSON does not matter: the stored input is compared as jsonb.
            let byJSON = try await db.workflows.start(type: FiveSteps.name, key: "order-1", input: Data(#"{ "n" : 1 }"#.utf8))
            #expect(byJSON.id == first.id)
            #expect(try await db.scalar("SELECT count(*)::int8 FROM workflows", as: Int64.self) == 1)
        }
    }

    @Test("an unknown type, malformed JSON or invalid input is refused and writes nothing")
    func badInputWritesNothing() async throws {
        try await TestDatabase.with { db in
            await #expect(throws: StoreError.unknownType("nope")) {
                try await db.workflows.start(type: "nope", key: "k", input: Data("{}".utf8))
            }
            let malformed = await #expect(throws: InputError.self) {
                try await db.workflows.start(type: FiveSteps.name, key: "k", input: Data("{not json".utf8))
            }
            #expect(malformed?.fields["$"] != nil)
            let wrongType = await #expect(throws: InputError.self) {
                try await db.workflows.start(type: FiveSteps.name, key: "k", input: Data(#"{"n":"three"}"#.utf8))
            }
            #expect(wrongType?.fields["n"] != nil)
            let missing = await #expect(throws: InputError.self) {
                try await db.workflows.start(type: FiveSteps.name, key: "k", input: Data("{}".utf8))
            }
            #expect(missing?.fields["n"] == "is required")
            await #expect(throws: InputError.self) {
                try await db.workflows.start(type: FiveSteps.name, key: "", input: Data(#"{"n":1}"#.utf8))
            }
            let workflows = try await db.scalar("SELECT count(*)::int8 FROM workflows", as: Int64.self)
            let history = try await db.scalar("SELECT count(*)::int8 FROM workflow_history", as: Int64.self)
            #expect(workflows == 0)
            #expect(history == 0)
        }
    }

    @Test("concurrent starts of one key create one workflow")
    func concurrentStarts() async throws {
        try await TestDatabase.with { db in
            let ids = try await withThrowingTaskGroup(of: UUID.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await db.workflows.start(FiveSteps.self, key: "same", input: .init(n: 7)).id }
                }
                var ids = Set<UUID>()
                for try await id in group { ids.insert(id) }
                return ids
            }
            #expect(ids.count == 1)
            #expect(try await db.scalar("SELECT count(*)::int8 FROM workflows", as: Int64.self) == 1)
        }
    }
}
