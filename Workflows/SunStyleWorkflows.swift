import Sundial

/// Every workflow SunStyle runs, as the worker registers them.
public enum SunStyleWorkflows {
    public static var all: [any Workflow] {
        [DemoOrder()]
    }
}
