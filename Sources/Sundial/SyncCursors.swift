import Foundation

/// Durable cursors of scheduled syncs, kept by the engine so each run starts exactly where the
/// last successful run stopped. Exists because each scheduled run is its own workflow: the
/// position has to outlive the run, and two runs of one sync must never work at once.
///
/// A run first ``acquire(_:run:)``s the cursor (the same run may acquire again after a crash and
/// gets the same answer), reads and writes everything after the position, then
/// ``advance(_:run:from:to:)``s it, which also frees it. A run that ended without advancing
/// (cancelled) leaves the cursor to the next run; a failed run keeps it until an operator
/// resumes or cancels it, so nothing is skipped behind its back.
public protocol SyncCursors: Sendable {
    func acquire(_ name: String, run: UUID) async throws -> SyncCursorClaim

    /// Moves the cursor from `from` (the position acquired) to `to` and frees it; returns the
    /// run number. Repeating it for the same run (a crash before the run's own commit) returns
    /// the same number and changes nothing. Throws a permanent error when `run` does not hold
    /// the cursor at `from`.
    func advance(_ name: String, run: UUID, from: String?, to: String) async throws -> Int
}
