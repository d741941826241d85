import Foundation
import Logging
import Sundial

/// The front door for code that starts and steers workflows: the intake API, the admin API,
/// the CLI and tests. It validates before it writes, so bad input changes nothing.
public struct WorkflowClient: Sendable {
    public let store: WorkflowStore
    public let registry: WorkflowRegistry

    public init(store: WorkflowStore, registry: WorkflowRegistry) {
        self.store = store
        self.registry = registry
    }

    /// Starts a typed workflow; idempotent on (type, business key): the same key and input
    /// return the existing workflow, a different input throws ``StoreError/conflictingInput``.
    @discardableResult
    public func start<W: Workflow>(_ type: W.Type, key: String, input: W.Input) async throws -> StartedWorkflow {
        let data = try JSONEncoder.sundial.encode(input)
        let prepared = try StepExecutor.prepareStart(W.self, input: data)
        try Self.validate(key: key)
        return try await store.startWorkflow(
            type: W.name, version: W.version, businessKey: key, initialState: W.initialState.rawValue,
            input: prepared.input, context: prepared.context)
    }

    /// Starts a typed workflow for an operator (a batch rerun) and writes `audit`, its detail
    /// from `describe`, in the same transaction: both commit or neither does.
    @discardableResult
    public func start<W: Workflow>(_ type: W.Type, key: String, input: W.Input, audit: AuditNote,
                                   describe: @escaping @Sendable (StartedWorkflow) -> String?) async throws -> StartedWorkflow {
        let data = try JSONEncoder.sundial.encode(input)
        let prepared = try StepExecutor.prepareStart(W.self, input: data)
        try Self.validate(key: key)
        return try await store.startWorkflow(
            type: W.name, version: W.version, businessKey: key, initialState: W.initialState.rawValue,
            input: prepared.input, context: prepared.context, audit: audit, describe: describe)
    }

    /// Starts a workflow by type name from JSON input (HTTP, CLI). An unknown type or an input
    /// that does not decode or validate throws before anything is written.
    @discardableResult
    public func start(type: String, key: String, input: Data) async throws -> StartedWorkflow {
        guard let definition = registry.latest(type) else { throw StoreError.unknownType(type) }
        try Self.validate(key: key)
        let prepared = try definition.prepareStart(input)
        return try await store.startWorkflow(
            type: definition.name, version: definition.version, businessKey: key,
            initialState: definition.initialState, input: prepared.input, context: prepared.context)
    }

    /// Delivers a signal to a workflow's durable inbox. `signalID` makes delivery idempotent.
    @discardableResult
    public func signal(_ workflowID: UUID, name: String, signalID: String, payload: some Encodable & Sendable) async throws -> SignalDelivery {
        let json = String(decoding: try JSONEncoder.sundial.encode(payload), as: UTF8.self)
        return try await signal(workflowID, name: name, signalID: signalID, payloadJSON: json)
    }

    @discardableResult
    public func signal(_ workflowID: UUID, name: String, signalID: String, payloadJSON: String,
                       audit: AuditNote? = nil) async throws -> SignalDelivery {
        guard !name.isEmpty, name.count <= 200 else { throw InputError(field: "name", "must be 1 to 200 characters") }
        guard !signalID.isEmpty, signalID.count <= 200 else { throw InputError(field: "signal_id", "must be 1 to 200 characters") }
        guard (try? JSONSerialization.jsonObject(with: Data(payloadJSON.utf8), options: [.fragmentsAllowed])) != nil else {
            throw InputError(field: "payload", "is not valid JSON")
        }
        return try await store.sendSignal(workflowID: workflowID, signalID: signalID, name: name, payload: payloadJSON, audit: audit)
    }

    /// Cancels a workflow: registered undos run newest first, then it ends `cancelled`. Throws
    /// ``StoreError/cancelRefused(_:reason:)`` when the workflow refuses a cancel in its current
    /// state (see ``Workflow/cancellationRefusal(in:context:)``); the worker asks again before it
    /// compensates, so a workflow that moves on meanwhile is not undone either.
    /// `audit` is written in the cancel's own statement when it is accepted.
    public func cancel(_ workflowID: UUID, reason: String, actor: String = "system", audit: AuditNote? = nil) async throws {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw InputError(field: "reason", "is required") }
        let snapshot = try await store.workflow(workflowID)
        if let definition = registry.definition(snapshot.type, version: snapshot.version),
           let refusal = definition.cancellationRefusal(snapshot.state, snapshot.context) {
            throw StoreError.cancelRefused(workflowID, reason: refusal)
        }
        try await store.requestCancel(workflowID: workflowID, reason: reason, actor: actor, audit: audit)
    }

    /// The name of the signal a workflow parked for an operator awaits (an order in
    /// `needsAttention`); ``resume(_:reason:actor:)`` sends it.
    public static let resumeSignal = "resume"

    /// Resumes a `failed` or `compensation_failed` workflow with fresh attempts, or one parked
    /// for an operator (waiting for the ``resumeSignal`` signal) by sending it that signal with
    /// the reason and actor as payload.
    /// `audit` is written in the resume's own statement when it takes.
    public func resume(_ workflowID: UUID, reason: String = "resumed", actor: String = "system", audit: AuditNote? = nil) async throws {
        let snapshot = try await store.workflow(workflowID)
        if snapshot.status == .waiting, snapshot.waitSignal == Self.resumeSignal {
            let payload = String(decoding: try JSONEncoder.sundial.encode(["reason": reason, "actor": actor]), as: UTF8.self)
            _ = try await store.sendSignal(workflowID: workflowID, signalID: "resume-\(UUID().uuidString.lowercased())",
                                       name: Self.resumeSignal, payload: payload, audit: audit)
            return
        }
        try await store.resume(workflowID: workflowID, reason: reason, actor: actor, audit: audit)
    }

    /// The workflows that tagged themselves `tag` = `value` with ``Step/tag(_:_:)`` (an order and
    /// its tracking number).
    public func workflowIDs(tag: String, value: String) async throws -> [UUID] {
        try await store.workflowIDs(tag: tag, value: value)
    }

    /// The workflow of `type` started with business key `key` (an order id), if any.
    public func workflow(type: String, key: String) async throws -> WorkflowSnapshot? {
        try await store.workflow(type: type, businessKey: key)
    }

    public func workflow(_ id: UUID) async throws -> WorkflowSnapshot { try await store.workflow(id) }

    public func history(_ id: UUID) async throws -> [HistoryEntry] { try await store.history(id) }

    /// Polls until the workflow stops moving on its own (finished, failed or compensation
    /// failed), or `timeout` passes; returns its last snapshot.
    public func waitUntilSettled(_ id: UUID, timeout: Duration, every interval: Duration = .milliseconds(50)) async throws -> WorkflowSnapshot {
        let deadline = ContinuousClock.now + timeout
        while true {
            let snapshot = try await store.workflow(id)
            switch snapshot.status {
            case .completed, .failed, .compensated, .compensationFailed, .cancelled: return snapshot
            default: break
            }
            if ContinuousClock.now >= deadline { return snapshot }
            try await Task.sleep(for: interval)
        }
    }

    private static func validate(key: String) throws {
        guard !key.isEmpty, key.count <= 200 else { throw InputError(field: "key", "must be 1 to 200 characters") }
    }
}
