import ArgumentParser
import Foundation
import Logging
import Sundial
import SundialEngine

/// `sundial workflows ...`: start, inspect and steer workflow instances from a shell.
struct WorkflowsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflows", abstract: "Start, inspect and steer workflows.",
        subcommands: [Start.self, Show.self, Signal.self, Cancel.self, Resume.self, Stats.self])

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
                print(WorkflowStatus.allCases.map { "\($0.rawValue)=\(counts[$0] ?? 0)" }.joined(separator: " "))
            }
        }
    }
}

/// A refusal the CLI reports as one line on standard error with exit code 2.
struct CLIError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
