import Foundation
import Sundial
import Testing
@testable import SundialEngine
import SundialTestSupport

@Suite("Outbox and child workflows")
struct OutboxAndChildTests {
    @Test("outbox rows and child workflows commit with the transition; a failed attempt's do not")
    func committedWithTransition() async throws {
        try await TestDatabase.with { db in
            let parent = try await db.workflows.start(ParentProbe.self, key: "SO-9", input: .init(order: "SO-9"))
            let done = try await db.withWorker { _ in
                let parentDone = try await db.settled(parent.id)
                let children = try await db.store.children(of: parent.id)
                #expect(children.count == 1)
                if let child = children.first {
                    let childDone = try await db.settled(child)
                    #expect(childDone.status == .completed)
                    #expect(childDone.parentID == parent.id)
                    #expect(childDone.businessKey == "child-of-SO-9")
                }
                return parentDone
            }
            #expect(done.status == .completed)
            let history = try await db.workflows.history(parent.id)
            #expect(history.filter { $0.event == "retry" }.count == 1)

            // Exactly one message: the failed first attempt's message was discarded with it.
            let outbox = try await db.store.outbox(of: parent.id)
            #expect(outbox.count == 1)
            let message = try #require(outbox.first)
            #expect(message.topic == "order-status")
            #expect(message.status == "pending")
            #expect(message.dedupeKey == "\(parent.id.uuidString.lowercased())/fanOut/1/1")
            let event = try JSONDecoder.decode(ParentProbe.StatusEvent.self, from: message.payload)
            #expect(event == ParentProbe.StatusEvent(order: "SO-9", status: "confirmed"))
        }
    }

    @Test("a child whose input does not validate fails the step before anything is written")
    func invalidChildInput() async throws {
        struct Strict: Workflow {
            static let name = "strict"
            static let version = 1
            static let initialState = State.only
            enum State: String, WorkflowState { case only }
            typealias Output = NoOutput
            struct Input: Codable, Sendable { var n: Int }
            typealias Context = Input
            static func validate(_ input: Input) throws { if input.n < 0 { throw InputError(field: "n", "must not be negative") } }
            static func makeContext(from input: Input) -> Input { input }
            func run(_ state: State, _ ctx: inout Input, _ step: Step<Self>) async throws -> Next { .complete }
        }
        let step = Step<Strict>(
            workflowID: UUID(), businessKey: "k", state: .only, visit: 1, attempt: 1, signal: nil, timedOut: false,
            previousError: nil, logger: .init(label: "t"), clock: SystemClock())
        #expect(throws: InputError(field: "n", "must not be negative")) {
            try step.startChild(Strict.self, key: "c", input: .init(n: -1))
        }
        #expect(step.registeredChildren.isEmpty)
    }
}
