import Foundation

/// A recurring start of a workflow, declared in code next to the workflow it starts and synced
/// into Postgres when a worker starts. Each slot starts exactly one workflow, keyed
/// `<schedule name>@<slot time>`, whatever the number of workers.
///
/// ```swift
/// static let nightly = ScheduleDeclaration(
///     "quickbooks-daily", workflow: NightlyExport.self,
///     schedule: try! Schedule(cron: "0 23 * * *", timeZone: "America/Los_Angeles"),
///     misfire: .runOnce) { slot in NightlyExport.Input(businessDate: slot) }
/// ```
public struct ScheduleDeclaration: Sendable {
    public let name: String
    public let workflowType: String
    public let schedule: Schedule
    public let misfire: MisfirePolicy
    private let prepare: @Sendable (_ slot: Date, _ key: String) throws -> ChildStart

    public init<W: Workflow>(
        _ name: String, workflow: W.Type, schedule: Schedule, misfire: MisfirePolicy = .runOnce,
        input: @escaping @Sendable (_ slot: Date) -> W.Input
    ) {
        self.name = name
        self.workflowType = W.name
        self.schedule = schedule
        self.misfire = misfire
        self.prepare = { slot, key in
            let encoded = try W.encodedStart(input: input(slot))
            return ChildStart(type: W.name, version: W.version, key: key, initialState: W.initialState.rawValue,
                              input: encoded.input, context: encoded.context)
        }
    }

    /// The business key of the workflow a slot starts.
    public func businessKey(for slot: Date) -> String {
        "\(name)@\(Self.slotFormatter.string(from: slot))"
    }

    /// The start of the workflow for `slot` (or for a manual trigger with its own key).
    public func start(for slot: Date, key: String? = nil) throws -> ChildStart {
        try prepare(slot, key ?? businessKey(for: slot))
    }

    private static var slotFormatter: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter
    }
}
