import Foundation

/// A message a handler hands to the durable outbox (an order-status webhook, say). It is written
/// in the same transaction as the handler's transition, so it exists exactly when the transition
/// does; a dispatcher delivers it afterwards, at least once.
public struct OutboxMessage: Sendable, Equatable {
    /// Where it goes, e.g. `order-status`.
    public let topic: String
    /// Unique per topic; a message with a key already in the outbox is not added again.
    public let key: String
    /// The payload as JSON text.
    public let payload: String
}

/// A searchable attribute a workflow attaches to itself (`tracking_number` = `794…`), so code
/// that knows only that value (a carrier webhook) finds the workflow.
public struct WorkflowTag: Sendable, Equatable, Hashable {
    public let name: String
    public let value: String
}

/// A child workflow a handler starts; created in the same transaction as the handler's
/// transition, idempotently on (type, key) like any start.
public struct ChildStart: Sendable, Equatable {
    public let type: String
    public let version: Int
    public let key: String
    public let initialState: String
    /// Input and first context, as JSON text.
    public let input: String
    public let context: String
}

extension Workflow {
    /// Validates `input` and encodes it with the first context, as a start stores them.
    public static func encodedStart(input: Input) throws -> (input: String, context: String) {
        try validate(input)
        let context = try makeContext(from: input)
        let encoder = JSONEncoder.sundial
        return (String(decoding: try encoder.encode(input), as: UTF8.self),
                String(decoding: try encoder.encode(context), as: UTF8.self))
    }
}

extension Step {
    /// Adds a message to the durable outbox, committed with this step's transition. The default
    /// key (`<idempotency key>/<n>`) makes a re-run of the same visit add nothing new.
    public func enqueue<Payload: Encodable>(topic: String, payload: Payload, key: String? = nil) throws {
        let json = String(decoding: try JSONEncoder.sundial.encode(payload), as: UTF8.self)
        let messageKey = key ?? "\(idempotencyKey)/\(registeredMessages.count + 1)"
        registeredMessages.append(OutboxMessage(topic: topic, key: messageKey, payload: json))
    }

    /// Attaches a searchable tag to this workflow, committed with this step's transition
    /// (`WorkflowClient.workflowIDs(tag:value:)` finds it). Tags are never removed before the
    /// workflow itself is deleted by retention.
    public func tag(_ name: String, _ value: String) {
        let tag = WorkflowTag(name: name, value: value)
        if !registeredTags.contains(tag) { registeredTags.append(tag) }
    }

    /// Starts a child workflow when this step's transition commits. Throws at once if the
    /// child's input does not validate.
    public func startChild<Child: Workflow>(_ type: Child.Type, key: String, input: Child.Input) throws {
        let encoded = try Child.encodedStart(input: input)
        registeredChildren.append(ChildStart(
            type: Child.name, version: Child.version, key: key, initialState: Child.initialState.rawValue,
            input: encoded.input, context: encoded.context))
    }
}

extension UndoStep {
    /// Adds a message to the durable outbox, committed with this undo step. The default key
    /// (`<undo idempotency key>/<n>`) makes a re-run of the same undo add nothing new.
    public func enqueue<Payload: Encodable>(topic: String, payload: Payload, key: String? = nil) throws {
        let json = String(decoding: try JSONEncoder.sundial.encode(payload), as: UTF8.self)
        append(OutboxMessage(topic: topic, key: key ?? "\(idempotencyKey)/\(registeredMessages.count + 1)", payload: json))
    }
}
