/// What the email-marketing platform answered to one batch: its import job and counts. Exists so
/// the sync can record each batch it handed over (job ids in its output, for support tickets).
public struct ProfileImportReceipt: Sendable, Codable, Equatable {
    public var jobID: String
    /// `queued`, `processing`, `complete`, … as the platform reports it.
    public var status: String
    public var totalCount: Int

    public init(jobID: String, status: String, totalCount: Int) {
        self.jobID = jobID
        self.status = status
        self.totalCount = totalCount
    }
}
