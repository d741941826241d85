import Foundation

/// What the load did and what the server answered, counted while the chaos runs; the
/// invariants compare it with what Postgres and the simulators end up holding.
actor ChaosTally {
    /// What an order is meant to go through.
    enum Kind: String, Sendable, CaseIterable {
        case normal, declined, cancelBeforePickup, exception, cancelAfterPickup
    }

    private(set) var accepted: [String: (workflowID: String, kind: Kind)] = [:]
    private(set) var submitRetries = 0
    private(set) var duplicatesSame = 0
    private(set) var duplicatesDifferent = 0
    private(set) var cancelsAccepted = 0
    private(set) var cancelsRefused = 0
    private(set) var webhookReplays = 0
    private(set) var webhooksReordered = 0
    private(set) var kills = 0
    private(set) var freezes = 0
    private(set) var postgresRestarts = 0
    /// Primary failovers (the primary killed, the synchronous standby promoted) and how long each took
    /// until the intake acknowledged an order again.
    private(set) var postgresFailovers: [Duration] = []
    private(set) var batchesStarted = 0
    /// Answers that break the API's contract: the reason of each.
    private(set) var contractViolations: [String] = []

    func accept(_ orderID: String, workflowID: String, kind: Kind) { accepted[orderID] = (workflowID, kind) }
    func retriedSubmit() { submitRetries += 1 }
    func duplicateSame() { duplicatesSame += 1 }
    func duplicateDifferent() { duplicatesDifferent += 1 }
    func cancelAccepted() { cancelsAccepted += 1 }
    func cancelRefused() { cancelsRefused += 1 }
    func replayed(_ count: Int) { webhookReplays += count }
    func reordered() { webhooksReordered += 1 }
    func killed() { kills += 1 }
    func froze() { freezes += 1 }
    func restartedPostgres() { postgresRestarts += 1 }
    func failedOver(acceptingAgainAfter outage: Duration) { postgresFailovers.append(outage) }
    func startedBatch() { batchesStarted += 1 }
    func violation(_ reason: String) { contractViolations.append(reason) }

    func orders(of kind: Kind) -> [String] { accepted.filter { $0.value.kind == kind }.map(\.key).sorted() }
}
