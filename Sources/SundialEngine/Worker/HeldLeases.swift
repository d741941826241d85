import Foundation

/// The leases a worker holds, each under the fencing token of its claim, and which of them the
/// heartbeat found taken by another worker.
///
/// It exists to keep one race in one place: the heartbeat reads the held leases, and by the time
/// its answer comes back a step may have ended and the same workflow been claimed again by this
/// worker under a new token. The answer then says "lost" about a lease that is in fact held, so
/// only leases still held under the token the heartbeat read can be marked lost.
struct HeldLeases: Sendable {
    /// Running workflows and the fencing token of their claim.
    private(set) var tokens: [UUID: Int64] = [:]
    /// When each running workflow's current step (with its commit) must have ended.
    var stepDeadlines: [UUID: ContinuousClock.Instant] = [:]
    /// Running workflows whose lease another worker took: their steps are stopped.
    private var lost: Set<UUID> = []

    var count: Int { tokens.count }
    var isEmpty: Bool { tokens.isEmpty }

    mutating func claimed(_ id: UUID, token: Int64) {
        tokens[id] = token
        lost.remove(id)
    }

    /// The workflow's step ended (committed, handed back, or given up as stuck).
    mutating func finished(_ id: UUID) {
        tokens.removeValue(forKey: id)
        stepDeadlines.removeValue(forKey: id)
        lost.remove(id)
    }

    /// The run claimed under `token` ended. A step given up as stuck that returns only after
    /// this worker claimed the workflow again must not drop the newer claim's lease.
    mutating func finished(_ id: UUID, token: Int64) {
        guard tokens[id] == token else { return }
        finished(id)
    }

    /// Marks lost the leases in `reported` that are still held under the token in `readAs` (what
    /// the heartbeat sent), and returns them; the others ended or were claimed anew meanwhile.
    mutating func markLost(_ reported: Set<UUID>, readAs: [UUID: Int64]) -> Set<UUID> {
        let current = reported.filter { id in tokens[id] != nil && tokens[id] == readAs[id] }
        lost.formUnion(current)
        return current
    }

    func isLost(_ id: UUID) -> Bool { lost.contains(id) }

    /// Forgets every lease and returns them, for a release at shutdown.
    mutating func removeAll() -> [UUID: Int64] {
        defer { tokens.removeAll(); stepDeadlines.removeAll(); lost.removeAll() }
        return tokens
    }
}
