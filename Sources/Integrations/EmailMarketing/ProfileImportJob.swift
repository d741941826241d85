/// An import job as the email-marketing platform reports it while and after it runs. Exists
/// because the platform answers a batch with "accepted" only: what was imported, and which
/// profiles failed, is known only once the job finished.
public struct ProfileImportJob: Sendable, Codable, Equatable {
    public var jobID: String
    /// `queued`, `processing`, `complete` or `cancelled`.
    public var status: String
    public var totalCount: Int
    public var completedCount: Int
    public var failedCount: Int

    public init(jobID: String, status: String, totalCount: Int, completedCount: Int, failedCount: Int) {
        self.jobID = jobID
        self.status = status
        self.totalCount = totalCount
        self.completedCount = completedCount
        self.failedCount = failedCount
    }

    /// The job will not change any more (`complete` or `cancelled`).
    public var isFinished: Bool { status == "complete" || status == "cancelled" }
}
