/// One bulk profile import job the simulated email-marketing platform accepted. Exists so tests
/// can see the batches a sync sent (sizes, order) beside the contacts they produced.
public struct ProfileImportJobRecord: Sendable, Codable, Equatable {
    public var id: String
    /// `complete`: the simulator imports synchronously (Klaviyo queues and processes later).
    public var status: String
    public var totalCount: Int
    public var completedCount: Int
    public var failedCount: Int
    /// Emails of the profiles in the job, in request order.
    public var emails: [String]
    public var createdAt: String
}
