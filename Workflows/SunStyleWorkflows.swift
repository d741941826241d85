import Sundial

/// Every workflow SunStyle runs, as the worker registers them.
public enum SunStyleWorkflows {
    public static var all: [any Workflow] {
        [DemoOrder()]
    }

    /// Every schedule SunStyle runs, declared next to the workflows they start.
    public static var schedules: [ScheduleDeclaration] {
        []
    }
}
