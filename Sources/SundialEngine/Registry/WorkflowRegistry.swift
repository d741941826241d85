import Sundial

/// The workflow definitions a process knows, by name and version.
///
/// Several versions of one name may be registered side by side (a rolling upgrade keeps the
/// old version until its instances finish); new instances start on the highest version.
public struct WorkflowRegistry: Sendable {
    private var definitions: [String: [Int: WorkflowDefinition]] = [:]

    public init() {}

    public init(_ workflows: [any Workflow]) {
        for workflow in workflows { register(workflow) }
    }

    public mutating func register(_ workflow: any Workflow) {
        insert(workflow)
    }

    private mutating func insert<W: Workflow>(_ workflow: W) {
        definitions[W.name, default: [:]][W.version] = WorkflowDefinition(workflow)
    }

    /// The definition new instances of `name` start on.
    public func latest(_ name: String) -> WorkflowDefinition? {
        definitions[name]?.max { $0.key < $1.key }?.value
    }

    public func definition(_ name: String, version: Int) -> WorkflowDefinition? {
        definitions[name]?[version]
    }

    /// Every registered (name, version), sorted.
    public var all: [WorkflowDefinition] {
        definitions.values.flatMap(\.values).sorted { ($0.name, $0.version) < ($1.name, $1.version) }
    }
}
