import Integrations

/// What a profile sync run completes with: the run number, the cursor range, how many batches
/// and profiles went to the email-marketing platform, what the platform made of them (imported,
/// failed, with each failed profile's reason), and its job ids.
public struct ProfileSyncReport: Codable, Sendable, Equatable {
    public var run: Int
    public var cursorFrom: String?
    public var cursorTo: String?
    public var batches: Int
    public var profilesSent: Int
    public var skippedWithoutEmail: Int
    public var jobIDs: [String]
    /// Profiles the platform's finished jobs imported.
    public var profilesImported: Int
    /// Profiles the platform refused (`failures` lists them, up to the settings' limit).
    public var profilesFailed: Int
    public var failures: [ProfileImportFailure]
    /// Jobs that had not finished when the run stopped following them (their outcome is unknown).
    public var unfinishedJobs: [String]

    public init(run: Int, cursorFrom: String?, cursorTo: String?, batches: Int, profilesSent: Int, skippedWithoutEmail: Int,
                jobIDs: [String], profilesImported: Int, profilesFailed: Int, failures: [ProfileImportFailure], unfinishedJobs: [String]) {
        self.run = run
        self.cursorFrom = cursorFrom
        self.cursorTo = cursorTo
        self.batches = batches
        self.profilesSent = profilesSent
        self.skippedWithoutEmail = skippedWithoutEmail
        self.jobIDs = jobIDs
        self.profilesImported = profilesImported
        self.profilesFailed = profilesFailed
        self.failures = failures
        self.unfinishedJobs = unfinishedJobs
    }

    enum CodingKeys: String, CodingKey {
        case run, cursorFrom = "cursor_from", cursorTo = "cursor_to", batches, profilesSent = "profiles_sent"
        case skippedWithoutEmail = "skipped_without_email", jobIDs = "job_ids"
        case profilesImported = "profiles_imported", profilesFailed = "profiles_failed", failures, unfinishedJobs = "unfinished_jobs"
    }

    /// Reports written before jobs were followed have no import counts: they read as zero.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        run = try container.decode(Int.self, forKey: .run)
        cursorFrom = try container.decodeIfPresent(String.self, forKey: .cursorFrom)
        cursorTo = try container.decodeIfPresent(String.self, forKey: .cursorTo)
        batches = try container.decode(Int.self, forKey: .batches)
        profilesSent = try container.decode(Int.self, forKey: .profilesSent)
        skippedWithoutEmail = try container.decode(Int.self, forKey: .skippedWithoutEmail)
        jobIDs = try container.decode([String].self, forKey: .jobIDs)
        profilesImported = try container.decodeIfPresent(Int.self, forKey: .profilesImported) ?? 0
        profilesFailed = try container.decodeIfPresent(Int.self, forKey: .profilesFailed) ?? 0
        failures = try container.decodeIfPresent([ProfileImportFailure].self, forKey: .failures) ?? []
        unfinishedJobs = try container.decodeIfPresent([String].self, forKey: .unfinishedJobs) ?? []
    }
}
