import Sundial

/// Every workflow SunStyle runs, as the worker registers them.
public enum SunStyleWorkflows {
    /// The workflows with the services they call (a worker).
    public static func all(order: OrderServices, batch: BatchServices = .unavailable) -> [any Workflow] {
        [DemoOrder(), OrderWorkflow(services: order), StrayLabelSweep(carriers: order.carriers),
         QuickBooksDailyWorkflow(services: batch), BatchDeadlineCheck(records: batch.records)]
    }

    /// The same definitions for processes that start, inspect and steer workflows but never run
    /// their steps (the server, the CLI): calling an outside service from them is an error.
    public static var definitionsOnly: [any Workflow] { all(order: .unavailable) + syncs() }

    /// Every schedule SunStyle runs, declared next to the workflows they start, in the default
    /// store time zone (`America/Chicago`): the nightly batch's and the syncs'.
    public static var schedules: [ScheduleDeclaration] {
        // The default zone is a valid identifier, so this cannot throw.
        ((try? schedules(storeTimeZone: StoreCalendar.defaultTimeZone)) ?? [])
            + ((try? syncSchedules(storeTimeZone: StoreCalendar.defaultTimeZone)) ?? [])
    }

    /// The schedules with the store's time zone (`SUNDIAL_STORE_TIME_ZONE`): the nightly
    /// accounting batch at 23:00 and its deadline check at midnight.
    public static func schedules(storeTimeZone: String) throws -> [ScheduleDeclaration] {
        [try QuickBooksDailyWorkflow.schedule(timeZone: storeTimeZone),
         try BatchDeadlineCheck.schedule(job: QuickBooksDailyWorkflow.name, timeZone: storeTimeZone)]
    }

    /// The batch jobs whose deadline `/metrics` watches (`sundial_batch_deadline_missed{job}`).
    public static let deadlineJobs = [QuickBooksDailyWorkflow.name]
}
