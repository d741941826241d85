/// The knobs of the scheduled syncs: how many history events one warehouse chunk covers, how
/// many profiles one bulk import carries, and how long a run waits for an earlier run that still
/// holds the cursor.
public struct SyncSettings: Sendable {
    /// History events per warehouse chunk (one checkpoint, one file per table and hour).
    public var exportChunkSize = 1000
    /// Completed orders read per profile batch (one bulk import per batch).
    public var profileBatchSize = 500
    /// Pause before asking again for a cursor another run holds.
    public var cursorWait: Duration = .seconds(60)
    /// First pause before reading an import job again; it doubles up to a minute.
    public var importPollInterval: Duration = .seconds(1)
    /// How long a run follows one import job before it reports the job as unfinished and goes on.
    public var importWaitLimit: Duration = .seconds(6 * 3600)
    /// Most failed profiles a run's report lists (the counts are always complete).
    public var reportedFailuresLimit = 100

    public init(exportChunkSize: Int = 1000, profileBatchSize: Int = 500, cursorWait: Duration = .seconds(60)) {
        self.exportChunkSize = exportChunkSize
        self.profileBatchSize = profileBatchSize
        self.cursorWait = cursorWait
    }
}
