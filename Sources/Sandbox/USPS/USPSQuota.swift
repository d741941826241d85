import Foundation
import Synchronization

/// The per-application request quota of the USPS APIs (new apps get 60 per hour). Counts every
/// USPS request in a fixed one-hour window; past the quota, `consume` returns the seconds until
/// the window resets, sent as `Retry-After` with a 429.
final class USPSQuota: Sendable {
    private struct Window {
        var start: Date?
        var used = 0
    }

    private let window = Mutex(Window())
    private let clock: SandboxClock
    let limit: Int?

    init(limit: Int?, clock: SandboxClock) {
        self.limit = limit
        self.clock = clock
    }

    /// nil when the request may proceed, else the seconds to wait.
    func consume() -> Int? {
        guard let limit else { return nil }
        let now = clock.now
        return window.withLock { window in
            if let start = window.start, now.timeIntervalSince(start) < 3600 {
                if window.used >= limit {
                    return max(1, Int((3600 - now.timeIntervalSince(start)).rounded(.up)))
                }
                window.used += 1
                return nil
            }
            window.start = now
            window.used = 1
            return limit >= 1 ? nil : 3600
        }
    }

    func reset() {
        window.withLock { $0 = Window() }
    }
}
