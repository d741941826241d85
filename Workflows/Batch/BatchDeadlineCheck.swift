import Foundation
import Sundial

/// Looks at a batch date when its deadline passes (midnight store time, INT-010 "batch
/// completion by midnight") and, when no run of the job completed by then, logs an error
/// naming the job, the date and the workflow id of every run (or that none started). Exists
/// as its own scheduled workflow so the check fires even when the batch is stuck or failed;
/// when no worker runs at all, `/metrics` still reports `sundial_batch_deadline_missed` from
/// Postgres. Completes with ``BatchDeadlineResult``.
public struct BatchDeadlineCheck: Workflow {
    public static let name = "batch-deadline-check"
    public static let version = 1
    public static let initialState = State.check
    /// Triggered early, the check sleeps until the deadline and looks again.
    public static let stateGraph: [State: [State]] = [.check: [.check]]

    public enum State: String, Codable, Sendable, WorkflowState { case check }
    public typealias Input = BatchDeadlineInput
    public typealias Context = BatchDeadlineInput
    public typealias Output = BatchDeadlineResult

    let records: any WorkflowRecords

    public init(records: any WorkflowRecords) { self.records = records }

    public static func validate(_ input: BatchDeadlineInput) throws {
        let calendar = try StoreCalendar(timeZone: input.timeZone)
        guard calendar.bounds(of: input.businessDate) != nil else { throw InputError(field: "business_date", "must be YYYY-MM-DD") }
    }

    public static func makeContext(from input: BatchDeadlineInput) -> BatchDeadlineInput { input }

    /// Daily at midnight store time, for the date that just ended. Named `<job>-deadline`.
    public static func schedule(job: String, timeZone: String = StoreCalendar.defaultTimeZone) throws -> ScheduleDeclaration {
        let calendar = try StoreCalendar(timeZone: timeZone)
        return ScheduleDeclaration("\(job)-deadline", workflow: Self.self, schedule: try Schedule(cron: "0 0 * * *", timeZone: timeZone),
                                   misfire: .runOnce) { slot in
            // The slot is midnight starting a day: the date checked is the one before it.
            let today = calendar.businessDate(of: slot)
            return BatchDeadlineInput(job: job, businessDate: calendar.date(today, plusDays: -1) ?? today, timeZone: timeZone)
        }
    }

    public func run(_ state: State, _ ctx: inout BatchDeadlineInput, _ step: Step<Self>) async throws -> Next {
        let calendar = try StoreCalendar(timeZone: ctx.timeZone)
        guard let deadline = calendar.deadline(of: ctx.businessDate) else { throw WorkflowError.permanent("bad business date") }
        guard step.now >= deadline else {
            return .sleepUntil(deadline, then: .check)  // triggered early: look when the deadline passes
        }
        let result = BatchDeadlineResult(job: ctx.job, businessDate: ctx.businessDate, deadline: deadline,
                                         runs: try await records.runs(type: ctx.job, businessDate: ctx.businessDate))
        if result.missed {
            let runs = result.runs.map { "\($0.id.uuidString.lowercased()) \($0.status) in \($0.state)" }
            step.logger.error("batch not complete by its deadline", metadata: [
                "job": "\(ctx.job)", "business_date": "\(ctx.businessDate)", "deadline": "\(deadline)",
                "batch_workflow_id": "\(result.runs.last.map { $0.id.uuidString.lowercased() } ?? "none started")",
                "runs": "\(runs.isEmpty ? "none" : runs.joined(separator: ", "))",
            ])
        } else {
            step.logger.info("batch completed by its deadline", metadata: ["job": "\(ctx.job)", "business_date": "\(ctx.businessDate)"])
        }
        return .complete(result)
    }
}
