import Foundation
import Logging
import Sundial

/// Drives one leased workflow: runs its step, commits the transition, and keeps going in place
/// while the next state is runnable at once (one transaction per step, no re-claim).
///
/// The decisions of what a step's outcome means (retry, fail over, compensate, cancel, finish)
/// are all here, in `plan(...)`; the SQL that commits them is ``WorkflowStore/commitTransition(_:)``.
struct WorkflowRunner: Sendable {
    let store: WorkflowStore
    let registry: WorkflowRegistry
    let configuration: WorkerConfiguration
    let logger: Logger
    /// True once the worker drains: steps still finish, but leases are released after them.
    let isDraining: @Sendable () -> Bool
    /// Told about a future run time this worker committed, so it wakes for it.
    let noteTimer: @Sendable (Date) -> Void
    /// Told, before each step, how long the step and its commit may take at most; the heartbeat
    /// stops extending the lease of a step that overruns it (see `Worker`).
    let noteStepBudget: @Sendable (UUID, Duration) -> Void
    /// True once the heartbeat found that another worker took this workflow's lease.
    let isLeaseLost: @Sendable (UUID) -> Bool
    /// True for a type an operator paused: its step finishes, then the lease is released
    /// instead of kept, so the workflow goes on only once the type is resumed.
    var isPaused: @Sendable (String) -> Bool = { _ in false }

    /// How a drive ended: the workflow left this worker's hands (committed, released or
    /// fenced), or the step was cancelled by the drain deadline and its lease is still held.
    enum Ending: Sendable { case handedBack, abandoned }

    @discardableResult
    func drive(_ claimed: ClaimedWorkflow) async -> Ending {
        var current = claimed
        var logger = self.logger
        logger[metadataKey: "workflow_id"] = "\(claimed.id.uuidString.lowercased())"
        logger[metadataKey: "workflow_type"] = "\(claimed.type)"

        guard let definition = registry.definition(claimed.type, version: claimed.version) else {
            logger.warning("claimed a workflow whose definition this worker does not have; releasing it")
            try? await store.releaseLeases(worker: configuration.workerID, ids: [claimed.id], tokens: [claimed.fencingToken])
            return .handedBack
        }
        if let previous = claimed.previousOwner, previous != configuration.workerID {
            store.metrics.leaseTakenOver(type: claimed.type)
            logger.notice("took over workflow after its lease expired", metadata: ["previous_owner": "\(previous)", "state": "\(claimed.state)"])
        }

        while true {
            logger[metadataKey: "state"] = "\(current.state)"
            logger[metadataKey: "visit"] = "\(current.visit)"
            let stepLimit = current.status == .compensating ? StepExecutor.undoTimeout : definition.stepTimeout(current.state)
            noteStepBudget(current.id, stepLimit + configuration.stepOverrunGrace)
            let started = ContinuousClock.now
            let commit = await plan(current, definition: definition, logger: logger)
            if Task.isCancelled {
                // Cancelled by the drain deadline: the step's outcome is not a real failure.
                // Commit nothing; the worker releases the lease.
                logger.notice("step cancelled by shutdown; its lease will be released")
                return .abandoned
            }
            var timed = commit
            if case .keepLease = timed.runAt, isPaused(current.type) { timed.runAt = .now }
            if timed.durationMilliseconds == nil, timed.event != nil {
                timed.durationMilliseconds = (ContinuousClock.now - started).seconds * 1000
            }
            guard let committed = await commitWithRetry(timed, logger: logger) else { return .handedBack }
            store.metrics.committed(timed, type: claimed.type)

            if committed.leaseKept, !Task.isCancelled {
                current.state = timed.state
                current.status = committed.status
                if let context = timed.context { current.context = context }
                current.visit = timed.newVisit
                current.attempt = timed.newAttempt
                current.lastError = timed.lastError
                current.signalSeq = committed.signalSeq
                current.cancelRequested = committed.cancelRequested
                current.topUndo = committed.topUndo
                current.undoDepth = committed.undoDepth
                current.waitSignal = nil
                current.waitTimeoutState = nil
                current.waitTimedOut = false
                current.waitDeadline = nil
                current.pendingSignal = nil
                continue
            }
            // Only active rows have a run time; finished and failed ones have none.
            if let runAt = committed.runAt { noteTimer(runAt) }
            return .handedBack
        }
    }

    /// Commits, retrying a few times when the database connection failed. A retry of a commit
    /// that did land matches nothing (visit and attempt moved on), so nothing applies twice.
    private func commitWithRetry(_ commit: TransitionCommit, logger: Logger) async -> CommittedTransition? {
        var ambiguous = false
        for attempt in 1...3 {
            do {
                return try await store.commitTransition(commit)
            } catch let error as StoreError {
                if ambiguous {
                    logger.notice("an earlier commit attempt landed after all; leaving the workflow to the next claim")
                } else {
                    logger.warning("transition refused: the lease was lost to another worker; the newer state stands",
                                   metadata: ["error": "\(ErrorDescription.describe(error))", "status": "\(commit.status.rawValue)"])
                }
                return nil
            } catch {
                ambiguous = true
                logger.error("transition commit failed", metadata: ["error": "\(ErrorDescription.describe(error))", "attempt": "\(attempt)"])
                if attempt < 3 { try? await Task.sleep(for: .milliseconds(200 * attempt)) }
            }
        }
        logger.error("giving the workflow up to lease expiry after failed commits")
        return nil
    }

    /// Runs the step `current` calls for and decides what to commit.
    private func plan(_ current: ClaimedWorkflow, definition: WorkflowDefinition, logger: Logger) async -> TransitionCommit {
        switch current.status {
        case .compensating:
            return await planCompensation(current, definition: definition, logger: logger)
        case .runnable, .sleeping, .waiting, .failed:
            if current.cancelRequested {
                guard let refusal = definition.cancellationRefusal(current.state, current.context) else { return planCancel(current) }
                // The workflow moved past the point of cancelling after the request was accepted:
                // drop the request and go on as if it never came.
                logger.notice("cancel refused by the workflow", metadata: ["reason": "\(refusal)"])
                var goingOn = current
                goingOn.cancelRequested = false
                var commit = await planForward(goingOn, definition: definition, logger: logger)
                commit.cancelFlag = false
                if commit.event == nil {
                    commit.event = "cancel-refused"
                    commit.historyError = refusal
                }
                return commit
            }
            return await planForward(current, definition: definition, logger: logger)
        case .completed, .compensated, .compensationFailed, .cancelled:
            // A finished row is never due; leave it as it is.
            var commit = base(current, event: nil)
            commit.runAt = .never
            return commit
        }
    }

    private func base(_ current: ClaimedWorkflow, event: String?) -> TransitionCommit {
        var commit = TransitionCommit(
            id: current.id, fencingToken: current.fencingToken,
            expectedVisit: current.visit, expectedAttempt: current.attempt,
            state: current.state, status: current.status, context: nil, output: nil,
            runAt: continuing, worker: configuration.workerID,
            newVisit: current.visit, newAttempt: current.attempt, lastError: current.lastError,
            seenSignalSeq: current.signalSeq, event: event, fromState: current.state,
            historyAttempt: current.attempt)
        commit.unfenced = configuration.unsafeDisableFencing
        return commit
    }

    /// Keep the lease and go on, unless the worker is draining.
    private var continuing: TransitionCommit.RunAt {
        isDraining() ? .now : .keepLease(configuration.leaseDuration)
    }

    private func planForward(_ current: ClaimedWorkflow, definition: WorkflowDefinition, logger: Logger) async -> TransitionCommit {
        var runState = current.state
        var signal: ReceivedSignal? = nil
        var timedOut = false
        if current.status == .waiting {
            if let pending = current.pendingSignal {
                signal = pending
            } else if current.waitTimedOut {
                runState = current.waitTimeoutState ?? current.state
                timedOut = true
            } else {
                // Woken without a matching signal (another signal name, a spurious wake): wait on.
                var commit = base(current, event: nil)
                commit.waitSignal = current.waitSignal
                commit.waitTimeoutState = current.waitTimeoutState
                if let deadline = current.waitDeadline {
                    commit.runAt = .at(deadline)
                    commit.waitHasDeadline = true
                } else {
                    commit.runAt = .never
                }
                return commit
            }
        }

        var stepLogger = logger
        stepLogger[metadataKey: "state"] = "\(runState)"
        let result = await definition.runStep(StepRequest(
            workflowID: current.id, businessKey: current.businessKey, state: runState, context: current.context,
            visit: current.visit, attempt: current.attempt + 1, signal: signal, timedOut: timedOut,
            previousError: current.lastError, logger: stepLogger, clock: configuration.clock,
            leaseCheck: { [store, unfenced = configuration.unsafeDisableFencing] in
                guard !unfenced else { return }
                guard try await store.leaseHeld(id: current.id, token: current.fencingToken) else { throw LeaseLost() }
            },
            isLeaseLost: { [isLeaseLost] in isLeaseLost(current.id) }))

        var commit = base(current, event: "transition")
        commit.fromState = runState
        commit.historyAttempt = current.attempt + 1
        commit.consumeSignalID = signal?.id

        switch result {
        case .transition(let transition):
            commit.context = transition.context
            commit.pushUndos = transition.undos
            commit.messages = transition.messages
            commit.children = transition.children
            commit.tags = transition.tags
            commit.newVisit = current.visit + 1
            commit.newAttempt = 0
            commit.lastError = nil
            if transition.refusesCancel {
                // A cancel accepted while this handler ran no longer applies in the state it
                // moved to: drop it with this commit, so it neither undoes the workflow nor
                // wakes it before its sleep or wait ends.
                commit.cancelFlag = false
            }
            switch transition.kind {
            case .next(let next):
                commit.state = next
                commit.status = .runnable
                commit.runAt = continuing
            case .sleep(let duration, let then):
                commit.state = then
                commit.status = .sleeping
                commit.runAt = .after(duration)
            case .sleepUntil(let date, let then):
                commit.state = then
                commit.status = .sleeping
                commit.runAt = .at(date)
            case .await(let name, let timeout, let then, let onTimeout):
                commit.state = then
                commit.status = .waiting
                commit.waitSignal = name
                commit.waitTimeoutState = onTimeout
                if let timeout {
                    commit.runAt = .after(timeout)
                    commit.waitHasDeadline = true
                } else {
                    commit.runAt = .never
                }
            case .complete(let output):
                commit.state = runState
                commit.status = .completed
                commit.output = output
                commit.runAt = .never
                commit.finished = true
                commit.event = "completed"
            case .fail(let reason):
                let pushed = Self.count(undos: transition.undos)
                commit.state = runState
                commit.historyError = reason
                commit.lastError = reason
                failWorkflow(&commit, undoDepth: current.undoDepth + pushed)
            case .cancel(let reason):
                let pushed = Self.count(undos: transition.undos)
                commit.state = runState
                commit.historyError = reason
                commit.cancelFlag = true
                commit.cancelReason = reason
                commit.event = "cancelled"
                if current.undoDepth + pushed > 0 {
                    commit.event = "cancelling"
                    commit.status = .compensating
                    commit.runAt = continuing
                } else {
                    commit.status = .cancelled
                    commit.runAt = .never
                    commit.finished = true
                }
            }
        case .capacityWait(let message, let retryAfter):
            // Not a failure: no attempt is spent, and the workflow shows as waiting for capacity.
            stepLogger.info("waiting for API capacity", metadata: ["limit": "\(message)"])
            commit.event = "capacity-wait"
            commit.historyError = message
            commit.lastError = "waiting for capacity: \(message)"
            commit.consumeSignalID = nil
            if current.status == .runnable { commit.status = .sleeping }
            commit.runAt = .after(retryAfter)
            commit.waitSignal = current.waitSignal
            commit.waitTimeoutState = current.waitTimeoutState
            commit.keepWaitDeadline = true
        case .failure(let message, let decision, let onFailure):
            stepLogger.warning("step failed", metadata: ["error": "\(message)", "attempt": "\(current.attempt + 1)"])
            commit.historyError = message
            commit.lastError = message
            commit.consumeSignalID = nil
            switch decision {
            case .retry(let delay):
                commit.event = "retry"
                commit.newAttempt = current.attempt + 1
                commit.runAt = .after(delay)
                commit.waitSignal = current.waitSignal
                commit.waitTimeoutState = current.waitTimeoutState
                // A failed handler of a signal or timeout branch stays waiting, with its
                // original deadline, so the next attempt resolves the wait the same way.
                commit.keepWaitDeadline = true
            case .giveUp:
                if let onFailure {
                    commit.event = "failed-over"
                    commit.state = onFailure
                    commit.status = .runnable
                    commit.newVisit = current.visit + 1
                    commit.newAttempt = 0
                    commit.runAt = continuing
                    commit.consumeSignalID = signal?.id
                } else {
                    commit.state = runState
                    failWorkflow(&commit, undoDepth: current.undoDepth)
                }
            }
        }
        return commit
    }

    /// The workflow fails for good: compensate when there is anything to undo, else stop `failed`.
    private func failWorkflow(_ commit: inout TransitionCommit, undoDepth: Int) {
        commit.event = "failed"
        commit.newAttempt = 0
        if undoDepth > 0 {
            commit.status = .compensating
            commit.runAt = continuing
        } else {
            commit.status = .failed
            commit.runAt = .never
        }
    }

    private func planCancel(_ current: ClaimedWorkflow) -> TransitionCommit {
        var commit = base(current, event: "cancelled")
        commit.newAttempt = 0
        if current.undoDepth > 0 {
            commit.event = "cancelling"
            commit.status = .compensating
            commit.runAt = continuing
        } else {
            commit.status = .cancelled
            commit.runAt = .never
            commit.finished = true
        }
        return commit
    }

    private func planCompensation(_ current: ClaimedWorkflow, definition: WorkflowDefinition, logger: Logger) async -> TransitionCommit {
        let finalStatus: WorkflowStatus = current.cancelRequested ? .cancelled : .compensated
        var commit = base(current, event: finalStatus.rawValue)
        guard let entry = current.topUndo, current.undoDepth > 0 else {
            commit.status = finalStatus
            commit.runAt = .never
            commit.finished = true
            return commit
        }
        var undoLogger = logger
        undoLogger[metadataKey: "undo_position"] = "\(current.undoDepth)"
        let result = await definition.runUndo(UndoRequest(
            workflowID: current.id, context: current.context, entry: entry, position: current.undoDepth,
            attempt: current.attempt + 1, logger: undoLogger))
        commit.historyAttempt = current.attempt + 1
        switch result {
        case .done(let messages):
            commit.event = "undo"
            commit.messages = messages
            commit.popUndo = true
            commit.newAttempt = 0
            if current.undoDepth == 1 {
                commit.status = finalStatus
                commit.runAt = .never
                commit.finished = true
                commit.event = "undo, \(finalStatus.rawValue)"
            } else {
                commit.runAt = continuing
            }
        case .capacityWait(let message, let retryAfter):
            // As for a forward step: not a failure, no attempt spent; the undo runs again later.
            undoLogger.info("undo waiting for API capacity", metadata: ["limit": "\(message)"])
            commit.event = "capacity-wait"
            commit.historyError = message
            commit.lastError = "waiting for capacity: \(message)"
            commit.runAt = .after(retryAfter)
        case .failure(let message, let decision):
            undoLogger.warning("compensation step failed", metadata: ["error": "\(message)", "attempt": "\(current.attempt + 1)"])
            commit.historyError = message
            commit.lastError = message
            switch decision {
            case .retry(let delay):
                commit.event = "undo-retry"
                commit.newAttempt = current.attempt + 1
                commit.runAt = .after(delay)
            case .giveUp:
                undoLogger.error("compensation exhausted its retries; the workflow needs an operator", metadata: ["error": "\(message)"])
                commit.event = "compensation-failed"
                commit.status = .compensationFailed
                commit.newAttempt = 0
                commit.runAt = .never
            }
        }
        return commit
    }

    private static func count(undos json: String) -> Int {
        guard let array = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Any] else { return 0 }
        return array.count
    }
}
