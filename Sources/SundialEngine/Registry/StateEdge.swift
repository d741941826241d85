/// One edge of a workflow type's state graph: a transition from one state to another, by state
/// name. Exists so the dashboard can draw a type's diagram from its definition (the declared
/// ``Sundial/Workflow/stateGraph`` and failure branches) and from the transitions its history
/// shows, without knowing the type's Swift `State`.
public struct StateEdge: Sendable, Hashable, Codable {
    public let from: String
    public let to: String

    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }
}
