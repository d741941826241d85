import Foundation
import Logging
import Sundial

/// Runs one handler of a typed workflow from stored JSON: decodes state and context, applies
/// the state's time limit, classifies a thrown error with the state's retry policy, and encodes
/// the transition, new context and registered undos for the commit.
enum StepExecutor {
    /// One registered undo action as stored on the compensation stack.
    struct UndoEntry<Action: Codable>: Codable {
        var action: Action
        var state: String
        var visit: Int
    }

    static func prepareStart<W: Workflow>(_ type: W.Type, input data: Data) throws -> (input: String, context: String) {
        let input: W.Input
        do {
            input = try JSONDecoder.sundial.decode(W.Input.self, from: data)
        } catch {
            throw InputError(field: InputDecodingDescription.path(of: error), InputDecodingDescription.message(of: error))
        }
        return try W.encodedStart(input: input)
    }

    static func run<W: Workflow>(_ workflow: W, _ request: StepRequest) async -> StepResult {
        guard let state = W.State(rawValue: request.state) else {
            return .failure(message: "state '\(request.state)' is not a state of \(W.name) v\(W.version)",
                            decision: .giveUp(retryable: false), onFailure: nil)
        }
        let policy = workflow.policy(for: state)
        let context: W.Context
        do {
            context = try JSONDecoder.sundial.decode(W.Context.self, from: Data(request.context.utf8))
        } catch {
            return .failure(message: "stored context does not decode: \(error)", decision: .giveUp(retryable: false),
                            onFailure: nil)
        }

        let step = Step<W>(
            workflowID: request.workflowID, businessKey: request.businessKey, state: state, visit: request.visit,
            attempt: request.attempt, signal: request.signal, timedOut: request.timedOut,
            previousError: request.previousError, logger: request.logger, clock: request.clock)

        let outcome: (transition: W.Next, context: W.Context, undos: [W.Compensation], messages: [OutboxMessage],
                      children: [ChildStart], tags: [WorkflowTag])
        do {
            outcome = try await withTimeLimit(policy.timeout) {
                var working = context
                let transition = try await workflow.run(state, &working, step)
                return (transition, working, step.registeredUndos, step.registeredMessages, step.registeredChildren,
                        step.registeredTags)
            }
        } catch let wait as CapacityWait {
            return .capacityWait(message: wait.description, retryAfter: wait.retryAfter)
        } catch {
            return .failure(
                message: describe(error),
                decision: policy.retry.decision(afterAttempt: request.attempt, error: error),
                onFailure: policy.onFailure?.rawValue)
        }

        do {
            let encoder = JSONEncoder.sundial
            // An Equatable context the handler left as it was is neither re-encoded nor rewritten.
            let unchanged = Self.isUnchanged(context, outcome.context)
            let newContext = unchanged ? nil : String(decoding: try encoder.encode(outcome.context), as: UTF8.self)
            let entries = outcome.undos.map { UndoEntry(action: $0, state: state.rawValue, visit: request.visit) }
            let undos = String(decoding: try encoder.encode(entries), as: UTF8.self)
            let kind: StepTransition.Kind
            let goesOnTo: W.State?
            switch outcome.transition {
            case .next(let next): goesOnTo = next
            case .sleep(_, let then), .sleepUntil(_, let then), .await(_, _, let then, _): goesOnTo = then
            case .complete, .fail, .cancel: goesOnTo = nil
            }
            let refusesCancel = goesOnTo.map { workflow.cancellationRefusal(in: $0, context: outcome.context) != nil } ?? false
            switch outcome.transition {
            case .next(let next): kind = .next(next.rawValue)
            case .sleep(let duration, let then): kind = .sleep(duration, then: then.rawValue)
            case .sleepUntil(let date, let then): kind = .sleepUntil(date, then: then.rawValue)
            case .await(let signal, let timeout, let then, let onTimeout):
                kind = .await(signal: signal, timeout: timeout, then: then.rawValue, onTimeout: onTimeout.rawValue)
            case .complete(let output):
                kind = .complete(output: String(decoding: try encoder.encode(output), as: UTF8.self))
            case .fail(let reason): kind = .fail(reason: reason)
            case .cancel(let reason): kind = .cancel(reason: reason)
            }
            return .transition(StepTransition(
                kind: kind, context: newContext == request.context ? nil : newContext, undos: undos,
                messages: outcome.messages, children: outcome.children, tags: outcome.tags,
                refusesCancel: refusesCancel))
        } catch {
            return .failure(message: "could not encode the step's result: \(error)", decision: .giveUp(retryable: false),
                            onFailure: nil)
        }
    }

    /// The time limit of one undo attempt.
    static let undoTimeout = Duration.seconds(60)

    static func undo<W: Workflow>(_ workflow: W, _ request: UndoRequest) async -> UndoResult {
        let policy = workflow.compensationRetry
        let decoded: (UndoEntry<W.Compensation>, W.Context)
        do {
            decoded = (try JSONDecoder.sundial.decode(UndoEntry<W.Compensation>.self, from: Data(request.entry.utf8)),
                       try JSONDecoder.sundial.decode(W.Context.self, from: Data(request.context.utf8)))
        } catch {
            return .failure(message: "stored undo action does not decode: \(error)", decision: .giveUp(retryable: false))
        }
        let step = UndoStep(workflowID: request.workflowID, position: request.position, attempt: request.attempt,
                            logger: request.logger)
        do {
            let messages = try await withTimeLimit(undoTimeout) {
                try await workflow.compensate(decoded.0.action, decoded.1, step)
                return step.registeredMessages
            }
            return .done(messages: messages)
        } catch let wait as CapacityWait {
            return .capacityWait(message: wait.description, retryAfter: wait.retryAfter)
        } catch {
            return .failure(message: describe(error), decision: policy.decision(afterAttempt: request.attempt, error: error))
        }
    }

    /// The workflow's reason to refuse a cancel in `state`, from stored JSON; nil when it allows
    /// it (or the stored values no longer decode, when refusing would strand the workflow).
    static func cancellationRefusal<W: Workflow>(_ workflow: W, state: String, context: String) -> String? {
        guard let state = W.State(rawValue: state),
              let context = try? JSONDecoder.sundial.decode(W.Context.self, from: Data(context.utf8))
        else { return nil }
        return workflow.cancellationRefusal(in: state, context: context)
    }

    /// True when the context type is Equatable and the handler left the value equal.
    static func isUnchanged<T>(_ before: T, _ after: T) -> Bool {
        guard let before = before as? any Equatable else { return false }
        return before.isEqual(to: after)
    }

    static func describe(_ error: any Error) -> String {
        let text = ErrorDescription.describe(error)
        return text.count > 2000 ? String(text.prefix(2000)) + "…" : text
    }
}

/// A handler that ran past its state's time limit; counted as a retryable failure.
struct StepTimedOut: Error, CustomStringConvertible {
    let limit: Duration
    var description: String { "the handler did not finish within \(limit)" }
}

/// Runs `body`, cancelling it when `limit` passes first.
func withTimeLimit<T: Sendable>(_ limit: Duration, _ body: sending @escaping () async throws -> T) async throws -> T {
    // `body` was handed over (`sending`) and runs exactly once, in the child task.
    let transferred = TransferredClosure(body)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await transferred.closure() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw StepTimedOut(limit: limit) }
        return value
    }
}

/// Carries a closure that was passed as `sending` into the one child task that runs it.
private struct TransferredClosure<T>: @unchecked Sendable {
    let closure: () async throws -> T
    init(_ closure: sending @escaping () async throws -> T) { self.closure = closure }
}

extension Equatable {
    /// Equality against a value of unknown static type (false when the types differ).
    fileprivate func isEqual(to other: Any) -> Bool {
        guard let other = other as? Self else { return false }
        return self == other
    }
}
