import Foundation
import Sandbox
import Sundial
import SundialEngine
import Workflows

/// The promises of the README, checked after a chaos run against what Postgres and the
/// simulators hold. The evidence is gathered once (``gather``); the checks are computed from it,
/// so a tampered copy of it (``ChaosTampering``) can prove every check is able to fail. Each
/// check counts what it looked at and lists every breach.
struct ChaosInvariants {
    struct Check {
        let name: String
        var checked = 0
        var breaches: [String] = []
        var passed: Bool { breaches.isEmpty }
    }

    var orders: [WorkflowSnapshot]
    /// Found by SQL in Postgres: workflows stuck with an expired lease, schedule slots fired
    /// twice, history rows that do not follow on from each other.
    var expiredLeases: [String]
    var duplicateScheduleFires: [String]
    var historyBreaches: [String]
    var outbox: (byStatus: [String: Int], deliveredKeys: Set<String>)
    var records: [EffectRecord]
    var shopDeliveries: [ShopDelivery]
    var accepted: [String: (workflowID: String, kind: ChaosTally.Kind)]
    var contractViolations: [String]
    var batch: ChaosSFTP.Evidence

    static func gather(store: WorkflowStore, effects: SandboxEffects, shopDeliveries: [ShopDelivery],
                       accepted: [String: (workflowID: String, kind: ChaosTally.Kind)], contractViolations: [String],
                       sftp: ChaosSFTP) async throws -> ChaosInvariants {
        func describe(_ breach: InvariantBreach) -> String { "\(breach.workflowID.map { "\($0)" } ?? ""): \(breach.detail)" }
        return ChaosInvariants(
            orders: try await store.snapshots(type: OrderWorkflow.name),
            expiredLeases: try await store.expiredLeases(grace: .seconds(30)).map(describe),
            duplicateScheduleFires: try await store.duplicateScheduleFires().map(\.detail),
            historyBreaches: try await store.historyBreaches(type: OrderWorkflow.name).map(describe),
            outbox: try await store.outboxSummary(topic: OrderStatusEvent.topic),
            records: effects.records, shopDeliveries: shopDeliveries, accepted: accepted,
            contractViolations: contractViolations, batch: try await sftp.evidence(store: store))
    }

    func checks() -> [Check] {
        let orders = self.orders
        let byKey = Dictionary(orders.map { ($0.businessKey, $0) }, uniquingKeysWith: { first, _ in first })
        let contexts = Dictionary(orders.compactMap { snapshot in
            (try? JSONDecoder.sundial.decode(OrderContext.self, from: Data(snapshot.context.utf8))).map { (snapshot.businessKey, $0) }
        }, uniquingKeysWith: { first, _ in first })
        var checks: [Check] = []

        var lost = Check(name: "every accepted order is in Postgres (none lost)")
        for (orderID, entry) in accepted {
            lost.checked += 1
            guard let snapshot = byKey[orderID] else { lost.breaches.append("\(orderID) was accepted but has no workflow"); continue }
            if snapshot.id.uuidString.lowercased() != entry.workflowID { lost.breaches.append("\(orderID) answered workflow \(entry.workflowID), stored \(snapshot.id)") }
        }
        checks.append(lost)

        var ended = Check(name: "every order ended, or waits in needsAttention with a reason")
        for snapshot in orders {
            ended.checked += 1
            switch snapshot.status {
            case .completed, .cancelled, .compensated: continue
            case .waiting where snapshot.state == OrderState.needsAttention.rawValue:
                if contexts[snapshot.businessKey]?.attention?.isEmpty ?? true { ended.breaches.append("\(snapshot.businessKey) needs attention without a reason") }
            default:
                ended.breaches.append("\(snapshot.businessKey) is \(snapshot.status.rawValue) in \(snapshot.state): \(snapshot.lastError ?? "no error")")
            }
        }
        checks.append(ended)

        var kinds = Check(name: "each kind of order ended as it should (declined, cancelled, parked, shipped)")
        for (orderID, entry) in accepted {
            guard let snapshot = byKey[orderID] else { continue }
            kinds.checked += 1
            let expected: Set<WorkflowStatus> = switch entry.kind {
            case .declined, .cancelBeforePickup: [.cancelled]
            case .exception: [.waiting]
            case .normal, .cancelAfterPickup: [.completed]
            }
            if !expected.contains(snapshot.status) {
                kinds.breaches.append("\(orderID) (\(entry.kind.rawValue)) ended \(snapshot.status.rawValue) in \(snapshot.state): \(snapshot.lastError ?? "")")
            }
        }
        checks.append(kinds)

        var leases = Check(name: "no workflow stuck with an expired lease")
        leases.checked = orders.count
        leases.breaches = expiredLeases
        checks.append(leases)

        func perReference(_ api: SandboxAPI, _ kind: EffectKind) -> [String: Int] {
            records.filter { $0.api == api && $0.kind == kind }.reduce(into: [:]) { $0[$1.reference ?? "?", default: 0] += 1 }
        }
        var authorizations = Check(name: "at most one authorization held per order")
        for (order, count) in perReference(.stripe, .paymentAuthorized) {
            authorizations.checked += 1
            if count > 1 { authorizations.breaches.append("\(order): \(count) authorizations") }
        }
        checks.append(authorizations)

        var captures = Check(name: "one capture per completed order, never two")
        let captured = perReference(.stripe, .paymentCaptured)
        for (order, count) in captured where count > 1 { captures.breaches.append("\(order): captured \(count) times") }
        for snapshot in orders where snapshot.status == .completed {
            captures.checked += 1
            if captured[snapshot.businessKey] != 1 { captures.breaches.append("\(snapshot.businessKey) completed with \(captured[snapshot.businessKey] ?? 0) captures") }
        }
        checks.append(captures)

        var refunds = Check(name: "refunds only for cancelled or compensated orders")
        for (order, _) in perReference(.stripe, .refundCreated) {
            refunds.checked += 1
            let status = byKey[order]?.status
            if status != .cancelled && status != .compensated { refunds.breaches.append("\(order) refunded but \(status?.rawValue ?? "unknown")") }
        }
        checks.append(refunds)

        var labels = Check(name: "one kept label per shipped order, every extra label voided")
        let carriers: [SandboxAPI] = [.fedex, .ups, .usps]
        let bought = records.filter { carriers.contains($0.api) && $0.kind == .labelCreated }.map(\.resource)
        let voided = Set(records.filter { carriers.contains($0.api) && $0.kind == .labelVoided }.map(\.resource))
        let kept = Set(bought.filter { !voided.contains($0) })
        var shipped = Set<String>()
        for snapshot in orders where snapshot.status == .completed || snapshot.status == .waiting {
            if let number = contexts[snapshot.businessKey]?.label?.trackingNumber { shipped.insert(number) }
        }
        labels.checked = bought.count
        for number in kept.subtracting(shipped) { labels.breaches.append("label \(number) is kept but belongs to no shipped order") }
        for number in shipped.subtracting(kept) { labels.breaches.append("order's label \(number) was voided or never bought") }
        checks.append(labels)

        var invoices = Check(name: "one invoice per delivered order, none for others")
        let invoiced = perReference(.quickbooks, .invoiceCreated)
        for snapshot in orders {
            invoices.checked += 1
            let count = invoiced[OrderWorkflow.docNumber(snapshot.businessKey)] ?? 0
            let expected = snapshot.status == .completed ? 1 : 0
            if count != expected { invoices.breaches.append("\(snapshot.businessKey) (\(snapshot.status.rawValue)) has \(count) invoices") }
        }
        checks.append(invoices)

        var webhooks = Check(name: "every order-status webhook delivered at least once or parked")
        webhooks.checked = outbox.byStatus.values.reduce(0, +)
        if let pending = outbox.byStatus["pending"], pending > 0 { webhooks.breaches.append("\(pending) still pending") }
        let received = Set(shopDeliveries.filter(\.signatureValid).compactMap(\.eventID))
        for key in outbox.deliveredKeys.subtracting(received) { webhooks.breaches.append("\(key) marked delivered but the shop never got it") }
        checks.append(webhooks)

        var slots = Check(name: "no schedule slot fired twice")
        slots.breaches = duplicateScheduleFires
        slots.checked = 1
        checks.append(slots)

        var history = Check(name: "each order's history is consistent (no transition from a state it was not in)")
        history.checked = orders.count
        history.breaches = historyBreaches
        checks.append(history)

        var contract = Check(name: "the API kept its contract (duplicates 200/409, cancels 202/409, signed webhooks)")
        contract.checked = accepted.count
        contract.breaches = contractViolations
        checks.append(contract)
        checks.append(batch.check())
        return checks
    }

    /// The table the run prints.
    static func table(_ checks: [Check]) -> String {
        let width = max(60, checks.map(\.name.count).max() ?? 0)
        var lines = ["  " + "INVARIANT".padding(toLength: width, withPad: " ", startingAt: 0) + "  CHECKED  BREACHES  RESULT"]
        for check in checks {
            lines.append("  " + check.name.padding(toLength: width, withPad: " ", startingAt: 0)
                         + "  " + String(check.checked).leftPadded(7) + "  " + String(check.breaches.count).leftPadded(8)
                         + "  " + (check.passed ? "PASS" : "FAIL"))
        }
        for check in checks where !check.passed {
            lines.append("")
            lines.append("  \(check.name):")
            for breach in check.breaches.prefix(10) { lines.append("    - \(breach)") }
            if check.breaches.count > 10 { lines.append("    … and \(check.breaches.count - 10) more") }
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
