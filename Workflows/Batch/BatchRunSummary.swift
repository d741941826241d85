import Foundation
import Sundial

/// One run of the nightly accounting batch as finance lists it: date, run number, status, why
/// and by whom it ran, the file it uploaded, invoices created and exceptions. Exists so the CLI
/// (`sundial batches list`) and later the admin API show runs the same way, from the engine's
/// records (the run's input and output).
public struct BatchRunSummary: Codable, Sendable, Equatable {
    public var workflowID: UUID
    public var job: String
    public var businessDate: String
    public var runNumber: Int
    public var status: String
    public var state: String
    public var reason: String?
    public var actor: String?
    public var previousRunIDs: [UUID]
    /// The file the run uploaded (nil until the run completed).
    public var fileName: String?
    public var invoicesCreated: Int?
    public var exceptions: Int?
    public var lastError: String?
    public var startedAt: Date
    public var finishedAt: Date?

    enum CodingKeys: String, CodingKey {
        case workflowID = "workflow_id", job, businessDate = "business_date", runNumber = "run_number", status, state
        case reason, actor, previousRunIDs = "previous_run_ids", fileName = "file_name", invoicesCreated = "invoices_created"
        case exceptions, lastError = "last_error", startedAt = "started_at", finishedAt = "finished_at"
    }

    /// Nil when the record is not a run of the accounting batch (its input does not decode).
    public init?(_ record: WorkflowRunRecord) {
        guard let input = try? JSONDecoder.sundial.decode(QuickBooksDailyInput.self, from: Data(record.inputJSON.utf8)) else { return nil }
        let report = record.outputJSON.flatMap { try? JSONDecoder.sundial.decode(QuickBooksDailyReport.self, from: Data($0.utf8)) }
        workflowID = record.id
        job = QuickBooksDailyWorkflow.name
        businessDate = input.businessDate
        runNumber = input.runNumber
        status = record.status
        state = record.state
        reason = input.reason
        actor = input.actor
        previousRunIDs = input.previousRunIDs
        fileName = report?.fileName  // known once the run completed; a failed upload left none
        invoicesCreated = report?.invoicesCreated
        exceptions = report?.exceptions.count
        lastError = record.lastError
        startedAt = record.createdAt
        finishedAt = record.finishedAt
    }
}
