import Sundial

/// What a warehouse export run remembers between its steps: its run number and cursor range
/// (fixed when it takes the cursor, so a crash rewrites exactly the same files), how far it has
/// written, and the files so far.
public struct WarehouseExportContext: Codable, Sendable, Equatable, SyncRunContext {
    public var input: SyncRunInput
    public var runNumber: Int?
    /// The cursor as taken (`nil`: the first run, from the start).
    public var cursorFrom: String?
    /// The exclusive end of this run's range: the feed's horizon when the cursor was taken.
    public var horizon: EventPosition?
    /// The last event written; the cursor moves here at the end.
    public var position: EventPosition?
    /// Events per chunk, fixed when the run takes the cursor: a chunk rewritten after a crash
    /// covers the same events even if the worker's setting changed meanwhile.
    public var chunkSize: Int?
    /// The next chunk to write.
    public var chunk = 0
    public var files: [WarehouseLoadFile] = []
    /// How many times the run waited for an earlier run holding the cursor.
    public var cursorWaits = 0

    public init(input: SyncRunInput) { self.input = input }
}
