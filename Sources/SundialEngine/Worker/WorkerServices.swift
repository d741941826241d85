import Sundial

/// What the engine hands a worker's workflows at construction: the fleet's shared API limits
/// (``APIGuard``), read access to the engine's own records (``WorkflowRecords``) and the history
/// feed and cursors of the scheduled syncs (``WorkflowEventFeed``, ``SyncCursors``). Exists so
/// workflows get engine facilities through `Sundial` protocols, never through the store.
public struct WorkerServices: Sendable {
    public var apiGuard: any APIGuard
    public var records: any WorkflowRecords
    public var eventFeed: any WorkflowEventFeed
    public var syncCursors: any SyncCursors

    public init(apiGuard: any APIGuard, records: any WorkflowRecords, eventFeed: any WorkflowEventFeed, syncCursors: any SyncCursors) {
        self.apiGuard = apiGuard
        self.records = records
        self.eventFeed = eventFeed
        self.syncCursors = syncCursors
    }
}
