import Foundation
import Integrations
import Sundial

/// An import job the sync follows to its end: when it was handed over and how often it was read.
public struct PendingImportJob: Codable, Sendable, Equatable {
    public var jobID: String
    public var since: Date
    public var polls: Int
}

/// What a profile sync run remembers between batches: its run number and cursor range, the last
/// completed order handed over, and what was sent so far.
public struct ProfileSyncContext: Codable, Sendable, Equatable, SyncRunContext {
    public var input: SyncRunInput
    public var runNumber: Int?
    /// The cursor as taken (`nil`: the first run).
    public var cursorFrom: String?
    /// The exclusive end of this run's range (the feed's horizon when the cursor was taken).
    public var horizon: EventPosition?
    /// The last order completion handed over; the cursor moves here at the end.
    public var position: EventPosition?
    public var batches = 0
    public var profilesSent = 0
    /// Completed orders whose customer has no email (nothing to send).
    public var skippedWithoutEmail = 0
    /// The platform's import job ids, one per batch.
    public var jobIDs: [String] = []
    public var cursorWaits = 0
    /// The import job handed over last and not yet followed to its end (nil in older contexts).
    public var pendingJob: PendingImportJob?
    /// Profiles the platform imported and failed to import, from the finished jobs.
    public var profilesImported: Int?
    public var profilesFailed: Int?
    /// The failed profiles with the platform's reasons (at most `reportedFailuresLimit`).
    public var importFailures: [ProfileImportFailure]?
    /// Jobs still unfinished when the run stopped following them.
    public var unfinishedJobs: [String]?

    public init(input: SyncRunInput) { self.input = input }
}
