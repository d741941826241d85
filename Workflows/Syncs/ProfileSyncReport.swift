/// What a profile sync run completes with: the run number, the cursor range, how many batches
/// and profiles went to the email-marketing platform, and its job ids.
public struct ProfileSyncReport: Codable, Sendable, Equatable {
    public var run: Int
    public var cursorFrom: String?
    public var cursorTo: String?
    public var batches: Int
    public var profilesSent: Int
    public var skippedWithoutEmail: Int
    public var jobIDs: [String]

    enum CodingKeys: String, CodingKey {
        case run, cursorFrom = "cursor_from", cursorTo = "cursor_to", batches, profilesSent = "profiles_sent"
        case skippedWithoutEmail = "skipped_without_email", jobIDs = "job_ids"
    }
}
