import Foundation

/// The answer of ``SyncCursors/acquire(_:run:)``: the cursor is this run's (with the position
/// the run starts after and its run number), or another run holds it.
public enum SyncCursorClaim: Sendable, Equatable {
    /// `position` is nil for the sync's first run; `runNumber` counts runs that advanced the
    /// cursor, plus one (stable across this run's retries and restarts).
    case acquired(position: String?, runNumber: Int)
    /// Another run (still active, or failed and waiting for an operator) holds the cursor.
    case held(by: UUID)
}
