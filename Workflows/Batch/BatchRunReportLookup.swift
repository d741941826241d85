import Foundation
import Sundial

/// What reading a batch run's report finds: the report, or why there is none (not a run of the
/// job, or a run that has not completed). Exists so the CLI (`sundial batches report`) and the
/// admin API (`.../runs/{workflow_id}/exceptions`) decide the same way from a stored workflow.
public enum BatchRunReportLookup: Sendable, Equatable {
    case report(QuickBooksDailyReport)
    /// The workflow is of another type.
    case notABatchRun(type: String)
    /// The run has no report: still running, or failed, cancelled or compensated.
    case notFinished(status: String, state: String, lastError: String?)

    /// Looks at a stored workflow of `type` (expected: `job`) with its status, state, output and last error.
    public init(job: String = QuickBooksDailyWorkflow.name, type: String, status: String, state: String,
                outputJSON: String?, lastError: String?) {
        guard type == job else {
            self = .notABatchRun(type: type)
            return
        }
        guard status == "completed", let outputJSON,
              let report = try? JSONDecoder.sundial.decode(QuickBooksDailyReport.self, from: Data(outputJSON.utf8))
        else {
            self = .notFinished(status: status, state: state, lastError: lastError)
            return
        }
        self = .report(report)
    }

    /// The refusal in one line, naming the run `id`; nil when the report was found.
    public func problem(_ id: UUID) -> String? {
        let run = id.uuidString.lowercased()
        switch self {
        case .report: return nil
        case .notABatchRun(let type): return "\(run) is a \(type) workflow, not a batch run"
        case .notFinished(let status, let state, let lastError):
            return "run \(run) has no report yet: it is \(status) in \(state)\(lastError.map { " (\($0))" } ?? "")"
        }
    }
}
