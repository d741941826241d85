import Synchronization

/// Round trips this process made to Postgres, by kind: the benchmark divides them by the
/// transitions it ran, and operators can read them to size the database.
public final class StoreCounters: Sendable {
    public let starts = Atomic<Int>(0)
    public let claims = Atomic<Int>(0)
    public let claimedRows = Atomic<Int>(0)
    public let commits = Atomic<Int>(0)
    /// Everything else: heartbeats, lease releases, next-timer probes, signals, inspection.
    public let other = Atomic<Int>(0)

    public init() {}

    public var snapshot: [String: Int] {
        [
            "starts": starts.load(ordering: .relaxed),
            "claims": claims.load(ordering: .relaxed),
            "claimed_rows": claimedRows.load(ordering: .relaxed),
            "commits": commits.load(ordering: .relaxed),
            "other": other.load(ordering: .relaxed),
        ]
    }
}
