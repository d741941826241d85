import ArgumentParser
import Foundation
import Logging
import SundialEngine

/// `sundial outbox ...`: see and replay outbox messages whose delivery was parked.
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Inspect and replay parked outbox deliveries.",
        subcommands: [Parked.self, Replay.self])

    struct Parked: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List parked deliveries, oldest first.")
        @OptionGroup var common: CommonOptions
        @Option(help: "At most this many rows (1-\(PageSize.parkedOutbox.maximum)).") var limit = PageSize.parkedOutbox.standard
        @Option(help: "Only messages after this id (the last id of the previous page).") var after: Int64?

        func run() async throws {
            guard (1...PageSize.parkedOutbox.maximum).contains(limit) else {
                throw ValidationError("--limit: expected 1 to \(PageSize.parkedOutbox.maximum)")
            }
            let (limit, after) = (self.limit, self.after)
            let page = try await WorkflowsCommand.withClient(common) { client in try await client.store.parkedOutboxPage(after: after, limit: limit) }
            try WorkflowsCommand.printJSON(page.rows)
            if let last = page.rows.last, page.next != nil { FileHandle.standardError.write(Data("next page: --after \(last.id)\n".utf8)) }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a parked delivery back in line with fresh attempts.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "Outbox message id.") var id: Int64

        func run() async throws {
            let id = self.id
            try await WorkflowsCommand.withClient(common) { client in
                try await AdminActions(workflows: client, actor: CLIActor.name).replayOutbox(id)
            }
            print("replayed \(id)")
        }
    }
}
