import Foundation
import Sundial

/// What one run of the nightly accounting batch is asked to do: the business date, the store
/// time zone it is read in, and which run of that date this is. The scheduled run is run 1;
/// a finance rerun (`sundial batches rerun`) is run n+1, names the earlier runs and must give a
/// reason. Snake_case on the wire; `business_date` is what the engine indexes runs by.
public struct QuickBooksDailyInput: Codable, Sendable, Equatable {
    /// `YYYY-MM-DD` on the store's wall clock.
    public var businessDate: String
    /// IANA zone of the store (``StoreCalendar``).
    public var timeZone: String
    public var runNumber: Int
    /// Workflow ids of the earlier runs of this date, oldest first (empty for run 1).
    public var previousRunIDs: [UUID]
    /// Why finance reran the date (required for a rerun).
    public var reason: String?
    /// Who asked for the rerun (`scheduler` for the scheduled run).
    public var actor: String?

    enum CodingKeys: String, CodingKey {
        case businessDate = "business_date", timeZone = "time_zone", runNumber = "run_number"
        case previousRunIDs = "previous_run_ids", reason, actor
    }

    public init(businessDate: String, timeZone: String = StoreCalendar.defaultTimeZone, runNumber: Int = 1,
                previousRunIDs: [UUID] = [], reason: String? = nil, actor: String? = nil) {
        self.businessDate = businessDate
        self.timeZone = timeZone
        self.runNumber = runNumber
        self.previousRunIDs = previousRunIDs
        self.reason = reason
        self.actor = actor
    }

    /// Every problem by field; empty when the input is valid.
    public func problems() -> [String: String] {
        var problems: [String: String] = [:]
        let calendar = try? StoreCalendar(timeZone: timeZone)
        if calendar == nil { problems["time_zone"] = "'\(timeZone)' is not a known IANA time zone" }
        if (calendar ?? (try! StoreCalendar())).bounds(of: businessDate) == nil {
            problems["business_date"] = "must be a calendar date YYYY-MM-DD"
        }
        if !(1...999).contains(runNumber) { problems["run_number"] = "must be 1 to 999" }
        if runNumber > 1, (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problems["reason"] = "is required for a rerun"
        }
        if let reason, reason.count > 500 { problems["reason"] = "must be at most 500 characters" }
        return problems
    }
}
