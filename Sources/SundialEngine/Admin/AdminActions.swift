import Foundation
import Sundial

/// The operator's actions on workflows, types, schedules and the outbox, each checked against
/// its preconditions and recorded in the audit trail (done, or refused and why) under `actor`.
/// Exists so the admin API and the CLI steer the engine the same way and are audited alike.
/// Every action that takes writes its audit row in its own statement or transaction, so the
/// change and its row commit together or not at all; a refusal (which changes nothing) is
/// recorded right after, and so is a repeated signal (which changes nothing either).
public struct AdminActions: Sendable {
    public let workflows: WorkflowClient
    /// Token name (API) or `cli:<OS user>`.
    public let actor: String

    public init(workflows: WorkflowClient, actor: String) {
        self.workflows = workflows
        self.actor = actor
    }

    var store: WorkflowStore { workflows.store }

    public static func target(_ id: UUID) -> String { "workflow:\(id.uuidString.lowercased())" }

    /// Resumes a failed or compensation_failed workflow, or one parked for an operator.
    public func resume(_ id: UUID, reason: String?) async throws {
        try await audited("workflow.resume", Self.target(id), reason) { note in
            try await workflows.resume(id, reason: reason ?? "resumed by \(actor)", actor: actor, audit: note)
            return ((), nil, true)
        }
    }

    /// Skips the backoff wait of a workflow that failed an attempt.
    public func retryNow(_ id: UUID, reason: String?) async throws {
        try await audited("workflow.retry", Self.target(id), reason) { note in
            try await store.retryNow(workflowID: id, reason: reason ?? "retry now by \(actor)", actor: actor, audit: note)
            return ((), nil, true)
        }
    }

    /// Cancels (the workflow's refusal is honoured: ``StoreError/cancelRefused(_:reason:)``).
    public func cancel(_ id: UUID, reason: String) async throws {
        try await audited("workflow.cancel", Self.target(id), reason) { note in
            try await workflows.cancel(id, reason: reason, actor: actor, audit: note)
            return ((), nil, true)
        }
    }

    /// Delivers a signal; a repeated signal id changes nothing. `reason` (the dashboard asks for
    /// one) is recorded with the audit entry.
    public func signal(_ id: UUID, name: String, signalID: String, payloadJSON: String, reason: String? = nil) async throws -> SignalDelivery {
        try await audited("workflow.signal", Self.target(id), reason) { note in
            var note = note
            note.detail = "signal \(name) id \(signalID): accepted"
            let delivery = try await workflows.signal(id, name: name, signalID: signalID, payloadJSON: payloadJSON, audit: note)
            // A duplicate inserts nothing, so its row is written after.
            return (delivery, "signal \(name) id \(signalID): \(delivery.rawValue)", delivery == .accepted)
        }
    }

    /// Starts a new run of a finished or failed workflow from `state` (one of its type's states).
    public func rerun(_ id: UUID, from state: String, reason: String) async throws -> UUID {
        try await audited("workflow.rerun", Self.target(id), reason) { note in
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw InputError(field: "reason", "is required") }
            let old = try await store.workflow(id)
            guard let definition = workflows.registry.definition(old.type, version: old.version) else {
                throw AdminRefusal(.conflict, code: "definition_unknown",
                                   "definition \(old.type)@\(old.version) is not registered here, so the state cannot be checked")
            }
            guard definition.states.contains(state) else {
                throw InputError(field: "state", "is not a state of \(old.type)@\(old.version) (one of \(definition.states.joined(separator: ", ")))")
            }
            let newID = try await store.rerun(workflowID: id, state: state, reason: reason, actor: actor, audit: note)
            return (newID, nil, true)
        }
    }

    /// Pauses a workflow type: workers stop claiming it at their next heartbeat.
    public func pauseType(_ type: String, reason: String?) async throws {
        try await audited("type.pause", "type:\(type)", reason) { note in
            guard try await store.pauseType(type, reason: reason, actor: actor, audit: note) else {
                throw AdminRefusal(.conflict, code: "already_paused", "type \(type) is already paused")
            }
            return ((), nil, true)
        }
    }

    public func resumeType(_ type: String, reason: String?) async throws {
        try await audited("type.resume", "type:\(type)", reason) { note in
            guard try await store.resumeType(type, audit: note) else {
                throw AdminRefusal(.conflict, code: "not_paused", "type \(type) is not paused")
            }
            return ((), nil, true)
        }
    }

    /// Pauses a schedule: no slot fires until it is resumed.
    public func pauseSchedule(_ name: String) async throws {
        try await audited("schedule.pause", "schedule:\(name)", nil) { note in
            switch try await store.pauseSchedule(name, audit: note) {
            case nil: throw AdminRefusal(.notFound, code: "schedule_not_found", "no schedule named \(name)")
            case false?: throw AdminRefusal(.conflict, code: "already_paused", "schedule \(name) is already paused")
            case true?: return ((), nil, true)
            }
        }
    }

    /// Resumes a paused schedule from now on.
    public func resumeSchedule(_ name: String) async throws {
        try await audited("schedule.resume", "schedule:\(name)", nil) { note in
            switch try await store.resumeSchedule(name, now: Date(), audit: note) {
            case nil: throw AdminRefusal(.notFound, code: "schedule_not_found", "no schedule named \(name)")
            case false?: throw AdminRefusal(.conflict, code: "not_paused", "schedule \(name) is not paused")
            case true?: return ((), nil, true)
            }
        }
    }

    /// Starts the schedule's workflow now; `declarations` are the schedules this build declares.
    public func triggerSchedule(_ name: String, declarations: [ScheduleDeclaration]) async throws -> UUID {
        try await audited("schedule.trigger", "schedule:\(name)", nil) { note in
            guard try await store.schedule(named: name) != nil else {
                throw AdminRefusal(.notFound, code: "schedule_not_found", "no schedule named \(name)")
            }
            guard let declaration = declarations.first(where: { $0.name == name }) else {
                throw AdminRefusal(.conflict, code: "schedule_not_declared", "schedule \(name) is not declared in this build")
            }
            guard let id = try await store.triggerSchedule(declaration, now: Date(), audit: note) else {
                throw AdminRefusal(.conflict, code: "already_triggered", "schedule \(name) was already triggered this second")
            }
            return (id, nil, true)
        }
    }

    public func replayOutbox(_ id: Int64) async throws {
        try await audited("outbox.replay", "outbox:\(id)", nil) { note in
            guard try await store.replayOutbox(id: id, audit: note) else {
                throw AdminRefusal(.conflict, code: "not_parked", "no parked outbox message \(id)")
            }
            return ((), nil, true)
        }
    }

    /// Runs an action defined outside the engine (a batch rerun, which needs the workflows'
    /// types) audited like the others: `body` makes its change and writes the `ok` row `note`
    /// describes in the same transaction (``WorkflowClient/start(_:key:input:audit:describe:)``);
    /// an ``InputError``, ``StoreError`` or ``AdminRefusal`` it throws is recorded as refused with
    /// its words.
    public func perform<T>(_ action: String, target: String, reason: String?,
                           _ body: (AuditNote) async throws -> T) async throws -> T {
        try await audited(action, target, reason) { note in
            (try await body(note), nil, true)
        }
    }

    /// Records a call refused before it ran (a role that may not), so the trail shows attempts too.
    /// Every text is cut to a bounded length: a refusal must not let a caller write rows of any size.
    public func recordRefusal(action: String, target: String, reason: String?, why: String) async {
        _ = try? await store.recordAudit(actor: Self.capped(actor, 200), action: Self.capped(action, 100), target: Self.capped(target, 300),
                                         reason: reason.map { Self.capped($0, 1000) }, outcome: "refused", detail: Self.capped(why, 1000))
    }

    /// `text` cut to `limit` code points (with an ellipsis when cut).
    static func capped(_ text: String, _ limit: Int) -> String {
        guard text.unicodeScalars.count > limit else { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.prefix(limit - 1))
        return String(scalars) + "…"
    }

    // MARK: Audit

    /// Runs `body` with the note a succeeding store statement writes itself; `body` answers its
    /// value, a detail, and whether the row was written that way (else it is written here).
    /// Refusals are recorded here with the reason they give.
    private func audited<T>(_ action: String, _ target: String, _ reason: String?,
                            _ body: (AuditNote) async throws -> (T, String?, Bool)) async throws -> T {
        let note = AuditNote(actor: actor, action: action, target: target, reason: reason)
        do {
            let (value, detail, recorded) = try await body(note)
            if !recorded {
                try await store.recordAudit(actor: actor, action: action, target: target, reason: reason, outcome: "ok", detail: detail)
            }
            return value
        } catch let refusal as StoreError {
            await recordRefusal(action: action, target: target, reason: reason, why: refusal.description)
            throw refusal
        } catch let refusal as InputError {
            await recordRefusal(action: action, target: target, reason: reason, why: "invalid input: \(refusal)")
            throw refusal
        } catch let refusal as AdminRefusal {
            await recordRefusal(action: action, target: target, reason: reason, why: refusal.message)
            throw refusal
        }
    }
}
