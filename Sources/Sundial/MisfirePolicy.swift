import Foundation

/// What a schedule does about slots that passed while no worker was running.
///
/// A durable orchestrator can be down (deploy, outage) across one or many slots; each schedule
/// declares whether those missed slots matter. A slot is *missed* when it is older than the grace
/// period of ``Schedule/dueSlots(lastFired:now:policy:grace:)``; a slot within the grace period is
/// on time and always fires, whatever the policy.
public enum MisfirePolicy: Sendable, Hashable, Codable {
    /// Missed slots are dropped: only on-time and future slots fire.
    case skip
    /// All missed slots together fire one catch-up run, for the latest of them, then the
    /// schedule continues normally. If a slot is on time anyway, that run is the catch-up.
    case runOnce
    /// Each missed slot fires, oldest first, but at most `cap` of them: the most recent ones.
    /// On-time slots fire in addition. A cap of 0 or less behaves like ``skip``.
    case runAll(cap: Int)
}
