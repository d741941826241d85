/// Errors a handler throws to say plainly whether a retry can help.
public enum WorkflowError: Error, RetryClassifiable, CustomStringConvertible, Equatable {
    /// Retrying will not help (validation error, decline): the failure branch is taken at once.
    case permanent(String)
    /// A passing fault; retry, after `after` at least when given.
    case retryable(String, after: Duration? = nil)

    public var retryDisposition: RetryDisposition {
        switch self {
        case .permanent: .permanent
        case .retryable(_, let after): .retryable(after: after)
        }
    }

    public var description: String {
        switch self {
        case .permanent(let message): "permanent: \(message)"
        case .retryable(let message, _): "retryable: \(message)"
        }
    }
}

/// Thrown by ``Workflow/validate(_:)`` to refuse an input; nothing is written.
public struct InputError: Error, CustomStringConvertible, Equatable, Sendable {
    /// One message per bad field, keyed by the field's path (`items[0].quantity`).
    public var fields: [String: String]

    public init(_ fields: [String: String]) { self.fields = fields }
    public init(field: String, _ message: String) { self.fields = [field: message] }

    public var description: String {
        fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
    }
}
