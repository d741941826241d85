/// The email-marketing platform as the daily profile sync (INT-008) needs it: upsert a batch of
/// customer profiles by their natural key (email), so sending a batch again after a crash or a
/// lost response updates the same contacts instead of creating new ones; then follow the
/// platform's import job to its end and read which profiles failed.
public protocol EmailMarketing: Sendable {
    /// Most profiles one ``upsertProfiles(_:)`` call accepts.
    var maxBatchSize: Int { get }

    /// Hands a batch over: creates or updates each profile, matched by email, in an import job the
    /// platform runs later. Errors are ``RetryClassifiable``.
    func upsertProfiles(_ profiles: [MarketingProfile]) async throws -> ProfileImportReceipt

    /// The job's current status and counts.
    func importJob(id: String) async throws -> ProfileImportJob

    /// The profiles a finished job could not import, at most `limit` of them (the job's
    /// `failedCount` tells how many there are in all).
    func importFailures(jobID: String, limit: Int) async throws -> [ProfileImportFailure]
}
