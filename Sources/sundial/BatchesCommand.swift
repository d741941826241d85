import ArgumentParser
import Foundation
import Sundial
import SundialEngine
import SundialHTTP
import Workflows

/// `sundial batches ...`: finance's view of the nightly accounting batch: list runs, rerun a
/// date with a reason, print a run's reconciliation report.
struct BatchesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batches", abstract: "List, rerun and report nightly batch runs.",
        subcommands: [List.self, Rerun.self, Report.self])

    static func checkJob(_ job: String) throws {
        guard BatchJobs.isKnown(job) else {
            throw ValidationError("unknown batch job '\(job)'; expected one of \(BatchJobs.names.joined(separator: ", "))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Runs with run number, status, reason, actor, file, invoices created and exceptions.")
        @OptionGroup var common: CommonOptions
        @Option(help: "Batch job.") var job = QuickBooksDailyWorkflow.name
        @Option(help: "Only this business date (YYYY-MM-DD).") var date: String?
        @Option(help: "At most this many runs (1-1000) when no date is given.") var limit = 50
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try BatchesCommand.checkJob(job)
            guard (1...1000).contains(limit) else { throw ValidationError("--limit: expected 1 to 1000") }
            let (job, date, limit) = (self.job, self.date, self.limit)
            let records = try await WorkflowsCommand.withClient(common) { client in
                if let date { try await client.store.runs(type: job, businessDate: date) } else { try await client.store.recentRuns(type: job, limit: limit) }
            }
            let runs = records.compactMap(BatchRunSummary.init)
            if json { return try WorkflowsCommand.printJSON(runs) }
            let header = ["DATE", "RUN", "STATUS", "INVOICES", "EXCEPTIONS", "FILE", "ACTOR", "REASON", "WORKFLOW ID"]
            var rows = [header]
            for run in runs {
                rows.append([run.businessDate, String(run.runNumber), run.status == "completed" ? run.status : "\(run.status) (\(run.state))",
                             run.invoicesCreated.map(String.init) ?? "-", run.exceptions.map(String.init) ?? "-", run.fileName ?? "-",
                             run.actor ?? "-", run.reason ?? "-", run.workflowID.uuidString.lowercased()])
            }
            let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                print(row.indices.map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  "))
            }
            if runs.isEmpty { print("(no runs)") }
        }
    }

    struct Rerun: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a new run of a business date (run n+1), linked to the earlier runs; creates only missing invoices.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "Batch job (quickbooks-daily).") var job: String
        @Option(help: "Business date, YYYY-MM-DD (store time).") var date: String
        @Option(help: "Why finance reruns the date (required).") var reason: String
        @Option(help: "Who asks (default: the OS user).") var actor: String?

        func run() async throws {
            try BatchesCommand.checkJob(job)
            let actor = self.actor ?? CLIActor.name
            let (date, reason, job) = (self.date, self.reason, self.job)
            let started = try await WorkflowsCommand.withClient(common) { client in
                let (started, input) = try await BatchRerunAction.start(
                    job: job, date: date, reason: reason, workflows: client, actions: AdminActions(workflows: client, actor: actor))
                return (started.id, input)
            }
            print("started run \(started.1.runNumber) of \(date): \(started.0.uuidString.lowercased()) (file \(SalesSummaryRow.fileName(businessDate: date, runNumber: started.1.runNumber)); earlier runs: \(started.1.previousRunIDs.isEmpty ? "none" : started.1.previousRunIDs.map { $0.uuidString.lowercased() }.joined(separator: ", ")))")
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A completed run's report and reconciliation exceptions (JSON, or the exceptions as CSV).")
        @OptionGroup var common: CommonOptions
        @Argument(help: "Run (workflow) id.") var id: String
        @Flag(help: "Print the exception report as RFC 4180 CSV.") var csv = false

        func run() async throws {
            let id = try WorkflowsCommand.parseID(id)
            let snapshot = try await WorkflowsCommand.withClient(common) { client in try await client.workflow(id) }
            let lookup = BatchRunReportLookup(type: snapshot.type, status: snapshot.status.rawValue, state: snapshot.state,
                                              outputJSON: snapshot.output, lastError: snapshot.lastError)
            guard case .report(let report) = lookup else { throw CLIError(message: lookup.problem(id) ?? "no report") }
            if csv {
                FileHandle.standardOutput.write(Data(report.exceptionsCSV.utf8))
            } else {
                try WorkflowsCommand.printJSON(report)
            }
        }
    }
}
