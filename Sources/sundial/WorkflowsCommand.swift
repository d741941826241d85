import ArgumentParser
import Foundation
import Logging
import Sundial
import SundialEngine

/// `sundial workflows ...`: start, inspect and steer workflow instances from a shell.
struct WorkflowsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflows", abstract: "Start, inspect and steer workflows.",
        subcommands: [Start.self, Show.self, List.self, Explain.self, Signal.self, Cancel.self, Resume.self, Retry.self, Rerun.self, Stats.self])

    /// Runs `body` with a client wired from the environment, turning refusals into clear exits.
    static func withClient<T: Sendable>(_ common: CommonOptions, _ body: @Sendable (WorkflowClient) async throws -> T) async throws -> T {
        let environment = try common.engineEnvironment(defaultFormat: "text")
        let logger = Logger(label: "sundial.cli")
        do {
            return try await DatabaseSession.with(environment.database, logger: logger) { client in
                try await Migrator(client: client, schema: environment.database.schema, logger: logger).requireCurrent()
                let store = WorkflowStore(client: client, database: environment.database, logger: logger)
                return try await body(WorkflowClient(store: store, registry: Definitions.registry))
            }
        } catch let error as StoreError {
            throw CLIError(message: error.description)
        } catch let error as InputError {
            throw CLIError(message: "invalid input: \(error)")
        } catch let error as MigrationError {
            throw CLIError(message: error.description)
        } catch let error as AdminRefusal {
            throw CLIError(message: error.message)
        }
    }

    static func parseID(_ text: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else { throw ValidationError("'\(text)' is not a workflow id (a UUID)") }
        return id
    }

    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder.sundial
        encoder.outputFormatting.insert(.prettyPrinted)
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a workflow (idempotent on type + key).")
        @OptionGroup var common: CommonOptions
        @Option(help: "Workflow type, e.g. demo-order.") var type: String
        @Option(help: "Business key, unique per type (an order id, a date).") var key: String
        @Option(help: "Input as JSON.") var input: String

        func run() async throws {
            let started = try await withClient(common) { client in
                try await client.start(type: type, key: key, input: Data(input.utf8))
            }
            print("\(started.id.uuidString.lowercased()) \(started.created ? "created" : "existing") \(started.status.rawValue)")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a workflow, its pending signals, why it is not running, and its history (one page, oldest first), as JSON.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "Workflow id.") var id: String
        @Option(help: "At most this many history entries (1-\(PageSize.history.maximum)).") var historyLimit = PageSize.history.standard
        @Option(help: "Only history entries after this one (the historyNextAfter a previous call printed).") var historyAfter: Int64?

        func run() async throws {
            let id = try parseID(id)
            guard (1...PageSize.history.maximum).contains(historyLimit) else {
                throw ValidationError("--history-limit: expected 1 to \(PageSize.history.maximum)")
            }
            struct Shown: Encodable {
                let workflow: WorkflowSnapshot
                let pendingSignals: [PendingSignal]
                /// More pending signals than shown (the admin API's `.../signals` pages through them).
                let morePendingSignals: Bool
                let explanation: WorkflowExplanation
                let history: [HistoryEntry]
                /// Pass as --history-after for the next page; nil on the last.
                let historyNextAfter: Int64?
            }
            let (limit, after) = (historyLimit, historyAfter)
            let shown = try await withClient(common) { client in
                let pending = try await client.store.pendingSignalsPage(id, after: nil, limit: PageSize.pendingSignals.standard)
                let history = try await client.store.historyPage(id, after: after, limit: limit)
                return Shown(workflow: try await client.workflow(id), pendingSignals: pending.rows, morePendingSignals: pending.next != nil,
                             explanation: try await client.explain(id), history: history.rows,
                             historyNextAfter: history.next == nil ? nil : history.rows.last?.id)
            }
            try printJSON(shown)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List workflows, newest first, one page at a time.")
        @OptionGroup var common: CommonOptions
        @Option(help: "Only this workflow type.") var type: String?
        @Option(help: "Only this status (runnable, sleeping, waiting, compensating, completed, failed, compensated, compensation_failed, cancelled).")
        var status: String?
        @Option(help: "Only this state.") var state: String?
        @Option(name: .customLong("key"), help: "Only this business key.") var businessKey: String?
        @Option(name: .customLong("created-from"), help: "Created at or after (ISO 8601).") var createdFrom: String?
        @Option(name: .customLong("created-to"), help: "Created before (ISO 8601).") var createdTo: String?
        @Option(name: .customLong("updated-from"), help: "Updated at or after (ISO 8601).") var updatedFrom: String?
        @Option(name: .customLong("updated-to"), help: "Updated before (ISO 8601).") var updatedTo: String?
        @Option(help: "The next-page cursor a previous listing printed.") var cursor: String?
        @Option(help: "At most this many rows (1-500).") var limit = 50
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            var query = WorkflowListQuery(type: type, state: state, businessKey: businessKey, limit: limit)
            if let status {
                guard let parsed = WorkflowStatus(rawValue: status) else {
                    throw ValidationError("--status: unknown status '\(status)'; expected one of \(WorkflowStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                query.status = parsed
            }
            guard (1...WorkflowListQuery.maxLimit).contains(limit) else { throw ValidationError("--limit: expected 1 to 500") }
            func date(_ text: String?, _ flag: String) throws -> Date? {
                guard let text else { return nil }
                guard let date = try? Date(text, strategy: .iso8601) else { throw ValidationError("--\(flag): expected an ISO 8601 time such as 2026-11-26T09:15:00Z") }
                return date
            }
            query.createdFrom = try date(createdFrom, "created-from")
            query.createdTo = try date(createdTo, "created-to")
            query.updatedFrom = try date(updatedFrom, "updated-from")
            query.updatedTo = try date(updatedTo, "updated-to")
            if let (name, problem) = query.problems().sorted(by: { $0.key < $1.key }).first {
                throw ValidationError("--\(name.replacingOccurrences(of: "_", with: "-")): \(problem.replacingOccurrences(of: "_", with: "-"))")
            }
            if let cursor {
                guard let parsed = try? ListCursor.decode(cursor), (try? parsed.workflowID()) != nil else {
                    throw ValidationError("--cursor: not a cursor a listing printed")
                }
                query.after = parsed
            }
            let filter = query
            let page = try await withClient(common) { client in try await client.store.listWorkflows(filter) }
            if json {
                struct Page: Encodable { let workflows: [WorkflowListRow]; let nextCursor: String? }
                return try printJSON(Page(workflows: page.rows, nextCursor: page.next?.token))
            }
            TextTable.print(["ID", "TYPE", "KEY", "STATUS", "STATE", "ATTEMPT", "NEXT RUN", "CREATED"], page.rows.map {
                [$0.id.uuidString.lowercased(), $0.type, $0.businessKey, $0.status.rawValue, $0.state, "\($0.attempt)",
                 TextTable.time($0.runAt), TextTable.time($0.createdAt)]
            })
            if let next = page.next { print("next page: --cursor \(next.token)") }
        }
    }

    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say why a workflow is not running right now.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "Workflow id.") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let id = try parseID(id)
            let explanation = try await withClient(common) { client in try await client.explain(id) }
            if json { return try printJSON(explanation) }
            print("\(explanation.reason.rawValue): \(explanation.message)")
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Skip the backoff wait of a workflow that failed an attempt.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "Workflow id.") var id: String
        @Option(help: "Why (recorded in the history and audit trail).") var reason: String?

        func run() async throws {
            let id = try parseID(id)
            let reason = self.reason
            try await withClient(common) { client in try await AdminActions(workflows: client, actor: CLIActor.name).retryNow(id, reason: reason) }
            print("due now")
        }
    }

    struct Rerun: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a new run of a finished or failed workflow from a chosen state (same input, its context, key <key>#rerun-<n>).")
        @OptionGroup var common: CommonOptions
        @Argument(help: "Workflow id.") var id: String
        @Option(help: "The state the new run starts at.") var state: String
        @Option(help: "Why (required; recorded in the history and audit trail).") var reason: String

        func run() async throws {
            let id = try parseID(id)
            let (state, reason) = (self.state, self.reason)
            let newID = try await withClient(common) { client in
                try await AdminActions(workflows: client, actor: CLIActor.name).rerun(id, from: state, reason: reason)
            }
            print("started \(newID.uuidString.lowercased())")
        }
    }

    struct Signal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a signal to a workflow's inbox.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "Workflow id.") var id: String
        @Option(help: "Signal name.") var name: String
        @Option(name: .customLong("signal-id"), help: "Idempotency id of this signal.") var signalID: String
        @Option(help: "Payload as JSON.") var payload: String = "{}"

        func run() async throws {
            let id = try parseID(id)
            let delivery = try await withClient(common) { client in
                try await AdminActions(workflows: client, actor: CLIActor.name).signal(id, name: name, signalID: signalID, payloadJSON: payload)
            }
            print(delivery.rawValue)
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a workflow (its compensations run).")
        @OptionGroup var common: CommonOptions
        @Argument(help: "Workflow id.") var id: String
        @Option(help: "Why (recorded in the history).") var reason: String

        func run() async throws {
            let id = try parseID(id)
            try await withClient(common) { client in try await AdminActions(workflows: client, actor: CLIActor.name).cancel(id, reason: reason) }
            print("cancel requested")
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a failed or compensation_failed workflow.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "Workflow id.") var id: String
        @Option(help: "Why (recorded in the history).") var reason: String = "resumed from the CLI"

        func run() async throws {
            let id = try parseID(id)
            try await withClient(common) { client in try await AdminActions(workflows: client, actor: CLIActor.name).resume(id, reason: reason) }
            print("resumed")
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Count workflows by status.")
        @OptionGroup var common: CommonOptions
        @Option(help: "Only this workflow type.") var type: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let counts = try await withClient(common) { client in try await client.store.countsByStatus(type: type) }
            if json {
                try printJSON(Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }))
            } else {
                let active = [WorkflowStatus.runnable, .sleeping, .waiting, .compensating].reduce(0) { $0 + (counts[$1] ?? 0) }
                print((WorkflowStatus.allCases.map { "\($0.rawValue)=\(counts[$0] ?? 0)" } + ["active=\(active)"]).joined(separator: " "))
            }
        }
    }
}

/// A refusal the CLI reports as one line on standard error with exit code 2.
struct CLIError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
