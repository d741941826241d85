import Foundation

/// Works out a ``WorkflowExplanation`` from what is stored: the row, its latest history entry,
/// the paused types, the live workers' definitions and (when this process registered the type)
/// its retry policy. Pure, so each reason is testable without waiting for real time to pass.
public enum WorkflowExplainer {
    public static func explain(_ w: WorkflowSnapshot, lastEvent: HistoryEntry?, paused: Set<String>,
                               liveDefinitions: Set<String>, maxAttempts: Int?, now: Date = Date()) -> WorkflowExplanation {
        func stamp(_ date: Date) -> String { date.formatted(.iso8601) }
        if w.status.isTerminal {
            var e = WorkflowExplanation(reason: .finished, message: "it \(w.status.rawValue)\(w.finishedAt.map { " at \(stamp($0))" } ?? ""); nothing more will run")
            e.since = w.finishedAt
            return e
        }
        if let owner = w.leaseOwner, let until = w.runAt, until > now {
            var e = WorkflowExplanation(reason: .leased, message: "leased by worker \(owner) until \(stamp(until)), running state \(w.state)")
            e.worker = owner
            e.until = until
            return e
        }
        if w.status == .failed || w.status == .compensationFailed {
            let what = w.status == .failed ? "failed in state \(w.state)" : "an undo exhausted its retries (compensation_failed)"
            var e = WorkflowExplanation(reason: .failed, message: "\(what)\(w.lastError.map { ": \($0)" } ?? ""); `resume` runs it again with fresh attempts")
            e.error = w.lastError
            e.action = "resume"
            e.since = w.updatedAt
            return e
        }
        if w.status == .waiting, w.waitSignal == WorkflowClient.resumeSignal {
            var e = WorkflowExplanation(reason: .parkedForOperator, message: "parked in state \(w.state) for an operator; `resume` sends it the resume signal")
            e.signal = WorkflowClient.resumeSignal
            e.since = lastEvent?.createdAt ?? w.updatedAt
            e.action = "resume"
            e.error = w.lastError
            return e
        }
        if paused.contains(w.type) {
            var e = WorkflowExplanation(reason: .pausedType, message: "its type \(w.type) is paused: workers do not claim it until it is resumed")
            e.until = w.runAt
            e.action = "resume type"
            return e
        }
        let due = w.runAt.map { $0 <= now } ?? false
        if due, !liveDefinitions.contains("\(w.type)@\(w.version)") {
            var e = WorkflowExplanation(reason: .notDeployed, message: "definition \(w.type)@\(w.version) is not registered by any live worker")
            e.action = "deploy a worker that registers \(w.type)@\(w.version)"
            return e
        }
        if let until = w.runAt, until > now, let error = w.lastError, error.hasPrefix("waiting for capacity") {
            var e = WorkflowExplanation(reason: .waitingForCapacity, message: "\(error); next try at \(stamp(until))")
            e.until = until
            e.error = error
            return e
        }
        if let until = w.runAt, until > now, w.attempt > 0, w.status != .sleeping {
            let of = maxAttempts.map { " of \($0)" } ?? ""
            var e = WorkflowExplanation(reason: .backingOff, message: "backing off until \(stamp(until)) after error: \(w.lastError ?? "unknown") (attempt \(w.attempt)\(of)); `retry` runs it now")
            e.until = until
            e.error = w.lastError
            e.attempt = w.attempt
            e.maxAttempts = maxAttempts
            e.action = "retry"
            return e
        }
        if w.status == .sleeping, let until = w.runAt, until > now {
            var e = WorkflowExplanation(reason: .sleeping, message: "sleeping in state \(w.state) until \(stamp(until))")
            e.until = until
            return e
        }
        if w.status == .waiting, let signal = w.waitSignal {
            let since = lastEvent?.createdAt ?? w.updatedAt
            let timeout = w.waitDeadline ?? w.runAt
            var e = WorkflowExplanation(reason: .awaitingSignal, message: "awaiting signal \(signal) since \(stamp(since))" + (timeout.map { " (timeout at \(stamp($0)))" } ?? " (no timeout)"))
            e.signal = signal
            e.since = since
            e.until = timeout
            e.action = "signal"
            return e
        }
        var e = WorkflowExplanation(reason: .due, message: "due since \(w.runAt.map(stamp) ?? "now"): the next free worker slot takes it")
        e.since = w.runAt
        return e
    }
}
