import Foundation
import SundialEngine
import Workflows

/// Whether a batch job missed its last deadline, read from Postgres at scrape time so it holds
/// even when the batch is stuck or no worker ran it: the most recent business date whose
/// deadline (midnight store time) has passed is yesterday (store time); it is missed unless
/// some run of the job for that date completed by the deadline. Exists behind
/// `sundial_batch_deadline_missed{job}`.
struct BatchDeadlineGauge: Sendable {
    let store: WorkflowStore
    let calendar: StoreCalendar

    /// True or false for a job whose schedule existed before yesterday's slot; nil when it
    /// did not (nothing was expected yet: a fresh install, or no worker ever synced it).
    func missed(job: String, now: Date) async throws -> Bool? {
        guard let schedule = try await store.schedules().first(where: { $0.workflowType == job }) else { return nil }
        let today = calendar.businessDate(of: now)
        guard let date = calendar.date(today, plusDays: -1), let day = calendar.bounds(of: date),
              schedule.createdAt < day.end
        else { return nil }
        let runs = try await store.runs(type: job, businessDate: date)
        return BatchDeadlineResult(job: job, businessDate: date, deadline: day.end, runs: runs).missed
    }
}
