import ArgumentParser
import Foundation
import Logging
import Sundial
import SundialEngine

/// `sundial workflows ...`: start, inspect and steer workflow instances from a shell.
struct WorkflowsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflows", abstract: "Start, inspect and steer workflows.",
        subcommands: [Start.self, Show.self, List.self, Signal.self, Cancel.self, Resume.self, Stats.self])

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
        static let configuration = CommandConfiguration(abstract: "Show a workflow and its history as JSON.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "Workflow id.") var id: String

        func run() async throws {
            let id = try parseID(id)
            struct Shown: Encodable { let workflow: WorkflowSnapshot; let history: [HistoryEntry] }
            let shown = try await withClient(common) { client in
                Shown(workflow: try await client.workflow(id), history: try await client.history(id))
            }
            try printJSON(shown)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List workflows, newest first.")
        @OptionGroup var common: CommonOptions
        @Option(help: "Only this workflow type.") var type: String?
        @Option(help: "Only this status (runnable, sleeping, waiting, compensating, completed, failed, compensated, compensation_failed, cancelled).")
        var status: String?
        @Option(help: "At most this many rows (1-1000).") var limit = 50
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            var parsedStatus: WorkflowStatus?
            if let status {
                guard let parsed = WorkflowStatus(rawValue: status) else {
                    throw ValidationError("--status: unknown status '\(status)'; expected one of \(WorkflowStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                parsedStatus = parsed
            }
            guard (1...1000).contains(limit) else { throw ValidationError("--limit: expected 1 to 1000") }
            let statusFilter = parsedStatus
            let rows = try await withClient(common) { client in
                try await client.store.list(type: type, status: statusFilter, limit: limit)
            }
            if json { return try printJSON(rows) }
            print("ID                                    TYPE               KEY                    STATUS               STATE")
            for row in rows {
                let columns = [row.id.uuidString.lowercased(), pad(row.type, 18), pad(row.businessKey, 22), pad(row.status.rawValue, 20), row.state]
                print(columns.joined(separator: " "))
            }
        }

        private func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? String(text.prefix(width)) : text + String(repeating: " ", count: width - text.count)
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
                try await client.signal(id, name: name, signalID: signalID, payloadJSON: payload)
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
            try await withClient(common) { client in try await client.cancel(id, reason: reason, actor: "cli") }
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
            try await withClient(common) { client in try await client.resume(id, reason: reason, actor: "cli") }
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
