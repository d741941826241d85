/// The nightly batch's tunables. Exists so the worker (from the environment) and tests set
/// chunk sizes and bookkeeping choices in one place.
public struct BatchSettings: Sendable, Equatable {
    /// Orders invoiced (and reconciled) per state visit: each chunk commits with its cursor.
    public var chunkSize = 25
    /// Orders read per page when counting and writing the CSV.
    public var pageSize = 200
    /// The workflow type whose completed instances are the day's orders.
    public var orderWorkflowType = OrderWorkflow.name
    /// Customer and item ids of the invoices (the same as the order workflow's).
    public var invoice = OrderSettings()

    public init() {}
}
