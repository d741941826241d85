import Foundation

/// The time source handlers read, injectable so tests can fix "now".
public protocol WorkflowClock: Sendable {
    func now() -> Date
}

/// The real wall clock.
public struct SystemClock: WorkflowClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that always answers the same instant (tests).
public struct FixedClock: WorkflowClock {
    public let instant: Date
    public init(_ instant: Date) { self.instant = instant }
    public func now() -> Date { instant }
}
