import Foundation
import Sundial
import SundialEngine

/// An order that may be cancelled until its parcel is with the carrier: `reserve` (registers an
/// undo) and `pack` allow a cancel, `shipped` and `delivered` refuse it. `pack` holds until the
/// test opens its gate (records anything for `<tag>-go`), so a test can get a cancel accepted
/// while the workflow is still cancellable and only then let it move on to a refusing state.
public struct RefusalProbe: Workflow {
    public static let name = "probe-refusal"
    public static let version = 1
    public static let initialState = State.reserve
    public enum State: String, WorkflowState { case reserve, pack, shipped, delivered }
    public struct Input: Codable, Sendable {
        public var tag: String
        /// How `pack` goes on: `next` (straight to `shipped`) or `sleep` (sleeps, then `shipped`).
        public var packThen: String
        /// How `shipped` goes on: `complete`, `await` (the `delivered` signal) or `sleep` (sleeps, then `delivered`).
        public var shippedThen: String
        public var sleepMilliseconds: Int
        public init(tag: String, packThen: String = "next", shippedThen: String = "complete", sleepMilliseconds: Int = 0) {
            self.tag = tag; self.packThen = packThen; self.shippedThen = shippedThen; self.sleepMilliseconds = sleepMilliseconds
        }
    }
    public struct Context: Codable, Sendable {
        public var input: Input
        /// When each state's handler ran, by state name (seconds since 1970: stored dates keep
        /// only whole seconds).
        public var ranAt: [String: Double]
    }
    public struct Output: Codable, Sendable, Equatable { public var ranAt: [String: Double] }
    public enum Undo: Codable, Sendable { case unreserve }
    public typealias Compensation = Undo

    /// Why `shipped` and `delivered` refuse a cancel.
    public static let refusal = "the parcel is already with the carrier"

    let world: WorldLedger
    public init(world: WorldLedger) { self.world = world }
    public static func makeContext(from input: Input) -> Context { Context(input: input, ranAt: [:]) }

    public func cancellationRefusal(in state: State, context: Context) -> String? {
        switch state {
        case .reserve, .pack: nil
        case .shipped, .delivered: Self.refusal
        }
    }

    public func run(_ state: State, _ ctx: inout Context, _ step: Step<Self>) async throws -> Next {
        ctx.ranAt[state.rawValue] = step.now.timeIntervalSince1970
        let pause = Duration.milliseconds(ctx.input.sleepMilliseconds)
        switch state {
        case .reserve:
            step.onUndo(.unreserve)
            return .next(.pack)
        case .pack:
            try await world.record("packing", for: ctx.input.tag)
            try await world.waitUntilRecorded(ctx.input.tag + "-go")
            return ctx.input.packThen == "sleep" ? .sleep(for: pause, then: .shipped) : .next(.shipped)
        case .shipped:
            switch ctx.input.shippedThen {
            case "await": return .await(signal: "delivered", then: .delivered)
            case "sleep": return .sleep(for: pause, then: .delivered)
            default: return .complete(Output(ranAt: ctx.ranAt))
            }
        case .delivered:
            return .complete(Output(ranAt: ctx.ranAt))
        }
    }

    public func compensate(_ action: Undo, _ context: Context, _ step: UndoStep) async throws {
        try await world.record("undo reserve", for: context.input.tag)
    }
}
