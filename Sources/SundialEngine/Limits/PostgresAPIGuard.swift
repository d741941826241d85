import Foundation
import Logging
import Sundial

/// The fleet's ``APIGuard``: limits and circuit breakers kept in Postgres (`api_limits`,
/// `api_permits`), so every worker process counts against the same caps and sees the same
/// open circuit. A call costs one round trip before it (`api_acquire`) and, when it held a
/// permit or changed the circuit's health, one after (`api_release`).
public struct PostgresAPIGuard: APIGuard {
    let store: WorkflowStore
    /// Who holds permits (the worker id), for operators reading `api_permits`.
    let holder: String
    /// How long a permit lives if its worker dies mid-call. A worker's permits get its lease
    /// duration and are extended by its heartbeat (``WorkflowStore/extendLeases``).
    let permitLease: Duration
    let logger: Logger

    public init(store: WorkflowStore, holder: String, permitLease: Duration = .seconds(120), logger: Logger) {
        self.store = store
        self.holder = holder
        self.permitLease = permitLease
        self.logger = logger
    }

    public func perform<T: Sendable>(
        _ api: String, outcome: @escaping @Sendable (any Error) -> CallOutcome, _ call: @Sendable () async throws -> T
    ) async throws -> T {
        let permit = UUID()
        let acquisition = try await store.acquireAPICall(api: api, permit: permit, holder: holder, lease: permitLease)
        guard acquisition.granted else {
            let wait = Duration.milliseconds(acquisition.retryAfterMilliseconds)
            switch acquisition.refusal {
            case "circuit_open": throw CircuitOpen(api: api, retryAfter: wait)
            case "concurrency": throw CapacityWait(api: api, limit: "concurrency cap reached", retryAfter: wait)
            default: throw CapacityWait(api: api, limit: "rate limit reached", retryAfter: wait)
            }
        }
        let probing = acquisition.circuit != "closed"
        let heldPermit = acquisition.permitTaken ? permit : nil
        do {
            let result = try await call()
            // A healthy call on a healthy API with no permit to free writes nothing more.
            if heldPermit != nil || probing || acquisition.failing {
                try await reportUncancelled(api: api, permit: heldPermit, outcome: .success, probing: probing)
            }
            return result
        } catch {
            // A call cancelled by its task (a drain deadline) says nothing about the API's health.
            let verdict = error is CancellationError ? .neutral : outcome(error)
            if heldPermit != nil || verdict != .neutral {
                try? await reportUncancelled(api: api, permit: heldPermit, outcome: verdict, probing: probing)
            }
            throw error
        }
    }

    /// Reports in a task of its own: a caller that was cancelled (a step stopped by the drain
    /// deadline) must still free its permit, and its cancelled task would refuse the query.
    private func reportUncancelled(api: String, permit: UUID?, outcome: CallOutcome, probing: Bool) async throws {
        try await Task { try await report(api: api, permit: permit, outcome: outcome, probing: probing) }.value
    }

    private func report(api: String, permit: UUID?, outcome: CallOutcome, probing: Bool) async throws {
        let text: String
        switch outcome {
        case .success: text = "success"
        case .failure: text = "failure"
        case .neutral: text = "neutral"
        }
        let circuit = try await store.releaseAPICall(api: api, permit: permit, outcome: text)
        if outcome == .failure, circuit == "open" {
            logger.warning("circuit open: calls are refused until the cooldown ends", metadata: ["api": "\(api)", "probe": "\(probing)"])
        } else if outcome == .success, circuit == "closed", probing {
            logger.notice("circuit closed: the probe call succeeded", metadata: ["api": "\(api)"])
        }
    }
}
