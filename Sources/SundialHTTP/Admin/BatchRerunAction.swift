import Foundation
import Sundial
import SundialEngine
import Workflows

/// A finance rerun of one business date of a batch job, audited as `batch.rerun` on
/// `batch:<job>` under the acting token or CLI user. Exists so the JSON API, the dashboard's
/// finance page and `sundial batches rerun` start reruns the same way and refuse alike (409
/// `run_in_progress` while a run of that date goes on).
public enum BatchRerunAction {
    /// Whether `date` is a calendar date `YYYY-MM-DD`.
    public static func isBusinessDate(_ date: String) -> Bool {
        date.count == 10 && (try? StoreCalendar())?.bounds(of: date) != nil
    }

    /// Starts run n+1 of `job` for `date`; an ``InputError`` on `date` when it is not a calendar
    /// date (the API checks first, to answer in its own words).
    public static func start(job: String, date: String, reason: String, workflows: WorkflowClient,
                             actions: AdminActions) async throws -> (StartedWorkflow, QuickBooksDailyInput) {
        guard isBusinessDate(date) else { throw InputError(field: "date", "must be a calendar date YYYY-MM-DD") }
        let store = workflows.store
        let zone = EnvironmentReader().string("SUNDIAL_STORE_TIME_ZONE") ?? StoreCalendar.defaultTimeZone
        return try await actions.perform("batch.rerun", target: "batch:\(job)", reason: reason) {
            note async throws -> (StartedWorkflow, QuickBooksDailyInput) in
            let earlier = try await store.runs(type: job, businessDate: date)
            let rerun: BatchRerun
            do {
                rerun = try BatchRerun(businessDate: date, earlierRuns: earlier, reason: reason, actor: actions.actor, timeZone: zone)
            } catch let error as InputError where error.fields["business_date"] != nil {
                // The date was checked above, so this is a run of that date still in progress.
                throw AdminRefusal(.conflict, code: "run_in_progress", error.fields["business_date"] ?? "a run is in progress")
            }
            // The new run and its audit row in one transaction.
            let runNumber = rerun.input.runNumber
            let started = try await workflows.start(QuickBooksDailyWorkflow.self, key: rerun.key, input: rerun.input, audit: note) {
                "run \(runNumber) of \(date): \($0.id.uuidString.lowercased())"
            }
            return (started, rerun.input)
        }
    }
}
