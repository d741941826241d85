import Sundial

/// What the engine hands a worker's workflows at construction: the fleet's shared API limits
/// (``APIGuard``) and read access to the engine's own records (``WorkflowRecords``). Exists so
/// workflows get engine facilities through `Sundial` protocols, never through the store.
public struct WorkerServices: Sendable {
    public var apiGuard: any APIGuard
    public var records: any WorkflowRecords

    public init(apiGuard: any APIGuard, records: any WorkflowRecords) {
        self.apiGuard = apiGuard
        self.records = records
    }
}
