import Sundial

/// Every workflow SunStyle runs, as the worker registers them.
public enum SunStyleWorkflows {
    /// The workflows with the services they call (a worker).
    public static func all(order: OrderServices) -> [any Workflow] {
        [DemoOrder(), OrderWorkflow(services: order), StrayLabelSweep(carriers: order.carriers)]
    }

    /// The same definitions for processes that start, inspect and steer workflows but never run
    /// their steps (the server, the CLI): calling an outside service from them is an error.
    public static var definitionsOnly: [any Workflow] { all(order: .unavailable) + syncs() }

    /// Every schedule SunStyle runs, declared next to the workflows they start.
    public static var schedules: [ScheduleDeclaration] {
        // The default zone is a valid identifier, so this cannot throw.
        (try? syncSchedules(storeTimeZone: "America/Chicago")) ?? []
    }
}
