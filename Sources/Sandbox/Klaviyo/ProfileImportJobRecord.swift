/// One bulk profile import job the simulated email-marketing platform accepted. Exists so tests
/// can see the batches a sync sent (sizes, order) beside the contacts they produced.
public struct ProfileImportJobRecord: Sendable, Codable, Equatable {
    public var id: String
    /// `queued` until processed (``SandboxConfiguration/Klaviyo/processingDelay``), then `complete`.
    public var status: String
    public var totalCount: Int
    public var completedCount: Int
    public var failedCount: Int
    /// Emails of the profiles in the job, in request order.
    public var emails: [String]
    public var createdAt: String
    public var completedAt: String?
}

/// One profile a job could not import, as `GET …/{id}/import-errors` lists it.
struct ProfileImportErrorRecord: Sendable, Equatable {
    var id: String
    var code: String
    var title: String
    var detail: String
    /// JSON pointer into the job's request (`/data/attributes/profiles/data/3/attributes/email`).
    var pointer: String
    var originalPayload: JSONValue
}
