import ArgumentParser
import Foundation
import Logging
import Sundial
import SundialEngine
import Workflows

/// `sundial schedules ...`: list, pause, resume and trigger the schedules declared in code.
struct SchedulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedules", abstract: "List, pause, resume and trigger schedules.",
        subcommands: [List.self, Pause.self, Resume.self, Trigger.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every schedule with its next fire time.")
        @OptionGroup var common: CommonOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let rows = try await WorkflowsCommand.withClient(common) { client in try await client.store.schedules() }
            if json { return try WorkflowsCommand.printJSON(rows) }
            TextTable.print(["NAME", "STATE", "CRON", "TIME ZONE", "STARTS", "NEXT FIRE", "LAST SLOT"], rows.map {
                [$0.name, $0.enabled ? "enabled" : "PAUSED", $0.cron, $0.timeZone, $0.workflowType, TextTable.time($0.nextFireAt), TextTable.time($0.lastSlot)]
            })
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a schedule from firing.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "Schedule name.") var name: String

        func run() async throws {
            let name = self.name
            try await WorkflowsCommand.withClient(common) { client in
                try await AdminActions(workflows: client, actor: CLIActor.name).pauseSchedule(name)
            }
            print("paused \(name)")
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused schedule (slots missed while paused are skipped).")
        @OptionGroup var common: CommonOptions
        @Argument(help: "Schedule name.") var name: String

        func run() async throws {
            let name = self.name
            try await WorkflowsCommand.withClient(common) { client in
                try await AdminActions(workflows: client, actor: CLIActor.name).resumeSchedule(name)
            }
            print("resumed \(name)")
        }
    }

    struct Trigger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start the schedule's workflow now, outside its slots.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "Schedule name.") var name: String

        func run() async throws {
            let zone = EnvironmentReader().string("SUNDIAL_STORE_TIME_ZONE") ?? StoreCalendar.defaultTimeZone
            let declarations: [ScheduleDeclaration]
            do {
                declarations = try SunStyleWorkflows.schedules(storeTimeZone: zone)
            } catch {
                throw CLIError(message: "SUNDIAL_STORE_TIME_ZONE: '\(zone)' is not a known IANA time zone")
            }
            let name = self.name
            let id = try await WorkflowsCommand.withClient(common) { client in
                try await AdminActions(workflows: client, actor: CLIActor.name).triggerSchedule(name, declarations: declarations)
            }
            print("started \(id.uuidString.lowercased())")
        }
    }
}
