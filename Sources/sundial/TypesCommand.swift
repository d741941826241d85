import ArgumentParser
import Foundation
import SundialEngine

/// `sundial types list|pause|resume`: see workflow types and stop or restart workers claiming
/// one (steps already running finish). Pauses are audited with actor `cli:<OS user>`.
struct TypesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "types", abstract: "List, pause and resume workflow types.", subcommands: [List.self, Pause.self, Resume.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Types this build registers, with live workers' versions and pauses.")
        @OptionGroup var common: CommonOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            struct TypeLine: Encodable { let type: String; let versions: [Int]; let deployed: [String]; let paused: PausedType? }
            let lines = try await WorkflowsCommand.withClient(common) { client in
                let paused = Dictionary(uniqueKeysWithValues: try await client.store.pausedTypes().map { ($0.type, $0) })
                let live = try await client.store.workers().filter(\.live).flatMap(\.definitions)
                var versions: [String: [Int]] = [:]
                for definition in client.registry.all { versions[definition.name, default: []].append(definition.version) }
                let names = Set(versions.keys).union(paused.keys).union(live.compactMap { $0.split(separator: "@").first.map(String.init) })
                return names.sorted().map { name in
                    TypeLine(type: name, versions: versions[name] ?? [], deployed: Array(Set(live.filter { $0.hasPrefix(name + "@") })).sorted(),
                             paused: paused[name])
                }
            }
            if json { return try WorkflowsCommand.printJSON(lines) }
            TextTable.print(["TYPE", "VERSIONS", "LIVE WORKERS RUN", "PAUSED"], lines.map {
                [$0.type, $0.versions.map(String.init).joined(separator: ","), $0.deployed.joined(separator: ","),
                 $0.paused.map { "since \(TextTable.time($0.pausedAt)) by \($0.pausedBy)" } ?? "-"]
            })
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop workers claiming a type (at their next heartbeat).")
        @OptionGroup var common: CommonOptions
        @Argument(help: "Workflow type.") var type: String
        @Option(help: "Why (recorded in the audit trail).") var reason: String?

        func run() async throws {
            let (type, reason) = (self.type, self.reason)
            try await WorkflowsCommand.withClient(common) { client in
                try await AdminActions(workflows: client, actor: CLIActor.name).pauseType(type, reason: reason)
            }
            print("paused \(type)")
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let workers claim a paused type again.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "Workflow type.") var type: String
        @Option(help: "Why (recorded in the audit trail).") var reason: String?

        func run() async throws {
            let (type, reason) = (self.type, self.reason)
            try await WorkflowsCommand.withClient(common) { client in
                try await AdminActions(workflows: client, actor: CLIActor.name).resumeType(type, reason: reason)
            }
            print("resumed \(type)")
        }
    }
}
