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
            for row in rows {
                print("\(row.name)  \(row.enabled ? "enabled" : "PAUSED")  \"\(row.cron)\" \(row.timeZone)  starts \(row.workflowType)  next \(row.nextFireAt.map { "\($0)" } ?? "-")  last slot \(row.lastSlot.map { "\($0)" } ?? "-")")
            }
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a schedule from firing.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "Schedule name.") var name: String

        func run() async throws {
            let name = self.name
            guard try await WorkflowsCommand.withClient(common, { client in try await client.store.pauseSchedule(name) }) else {
                throw CLIError(message: "no schedule named '\(name)'")
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
            guard try await WorkflowsCommand.withClient(common, { client in try await client.store.resumeSchedule(name, now: Date()) }) else {
                throw CLIError(message: "no schedule named '\(name)'")
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
            guard let declaration = declarations.first(where: { $0.name == name }) else {
                throw CLIError(message: "no schedule named '\(name)' is declared in this build")
            }
            let id = try await WorkflowsCommand.withClient(common) { client in try await client.store.triggerSchedule(declaration, now: Date()) }
            print(id.map { "started \($0.uuidString.lowercased())" } ?? "already triggered this second")
        }
    }
}
