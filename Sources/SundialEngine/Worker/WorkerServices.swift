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
    /// The fleet's encrypted secrets, for the clients a worker builds (vendor tokens that rotate),
    /// not for workflows; nil when the worker was started without a ``SecretsKey``.
    public var secrets: EncryptedSecrets?

    public init(apiGuard: any APIGuard, records: any WorkflowRecords, eventFeed: any WorkflowEventFeed, syncCursors: any SyncCursors,
                secrets: EncryptedSecrets? = nil) {
        self.apiGuard = apiGuard
        self.records = records
        self.eventFeed = eventFeed
        self.syncCursors = syncCursors
        self.secrets = secrets
    }
}
