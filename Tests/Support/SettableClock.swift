import Foundation
import Sundial
import Synchronization

/// A clock a test moves by hand (schedule slots, DST days).
public final class SettableClock: WorkflowClock {
    private let instant: Mutex<Date>

    public init(_ start: Date) { instant = Mutex(start) }

    public func now() -> Date { instant.withLock { $0 } }

    public func set(_ date: Date) { instant.withLock { $0 = date } }
}
