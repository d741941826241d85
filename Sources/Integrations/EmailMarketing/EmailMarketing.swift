/// The email-marketing platform as the daily profile sync (INT-008) needs it: upsert a batch of
/// customer profiles by their natural key (email), so sending a batch again after a crash or a
/// lost response updates the same contacts instead of creating new ones.
public protocol EmailMarketing: Sendable {
    /// Most profiles one ``upsertProfiles(_:)`` call accepts.
    var maxBatchSize: Int { get }

    /// Creates or updates each profile, matched by email. Errors are ``RetryClassifiable``.
    func upsertProfiles(_ profiles: [MarketingProfile]) async throws -> ProfileImportReceipt
}
