import Foundation
import Sandbox
import Sundial
import SundialEngine

/// Proves the chaos checks are live: after every run, the gathered evidence is copied and each
/// guarantee is broken in the copy (an order lost, a capture taken twice, a webhook never
/// received, the nightly file renamed twice, …), and every check must then report a breach. A
/// check that passes on tampered evidence could never have failed, and fails the run.
///
/// Three checks are computed by SQL in Postgres (expired leases, schedule slots fired twice,
/// history continuity); for those the copy carries a breach as the query would report it, which
/// only shows the table reports them. They are proven in Postgres instead (`InvariantQueriesTests`
/// plants each breach and sees it reported), and history also by `--break-guarantee fencing`.
enum ChaosTampering {
    /// Check names the SQL computes (see above).
    static let computedBySQL: Set<String> = [
        "no workflow stuck with an expired lease", "no schedule slot fired twice",
        "each order's history is consistent (no transition from a state it was not in)",
    ]

    /// A copy of `evidence` with one guarantee broken per check.
    static func tampered(_ evidence: ChaosInvariants) -> ChaosInvariants {
        var copy = evidence
        var orders = copy.orders
        let completed = orders.indices.filter { orders[$0].status == .completed }
        // An accepted order lost (its row gone).
        if let lost = copy.accepted.keys.sorted().first { orders.removeAll { $0.businessKey == lost } }
        // An order left running; a declined one that shipped anyway.
        if let index = completed.first { orders[index] = modified(orders[index]) { $0["status"] = WorkflowStatus.runnable.rawValue } }
        if let declined = copy.accepted.first(where: { $0.value.kind == .declined })?.key,
           let index = orders.firstIndex(where: { $0.businessKey == declined }) {
            orders[index] = modified(orders[index]) { $0["status"] = WorkflowStatus.completed.rawValue }
        }
        copy.orders = orders
        copy.expiredLeases.append("tampered: a lease that expired long ago")
        copy.duplicateScheduleFires.append("tampered: a slot fired twice")
        copy.historyBreaches.append("tampered: a transition from a state the workflow was not in")
        // The simulators: an authorization, a capture and an invoice taken twice; a refund of a
        // completed order; a label bought and never voided.
        for kind in [EffectKind.paymentAuthorized, .paymentCaptured, .invoiceCreated] {
            if let record = copy.records.first(where: { $0.kind == kind }) { copy.records.append(record) }
        }
        if let refund = copy.records.first(where: { $0.kind == .refundCreated || $0.kind == .paymentCaptured }),
           let shipped = completed.dropFirst().first.map({ evidence.orders[$0].businessKey }) {
            copy.records.append(modified(refund) { $0["kind"] = EffectKind.refundCreated.rawValue; $0["reference"] = shipped })
        }
        if let label = copy.records.first(where: { $0.kind == .labelCreated }) {
            copy.records.append(modified(label) { $0["resource"] = "TAMPERED-LABEL" })
        }
        // An order-status webhook marked delivered that the shop never received.
        if let delivered = copy.outbox.deliveredKeys.sorted().first {
            copy.shopDeliveries.removeAll { $0.eventID == delivered }
        }
        copy.contractViolations.append("tampered: a duplicate submission answered 500")
        // The nightly file renamed into place twice.
        for name in copy.batch.renames.keys { copy.batch.renames[name, default: 0] += 1 }
        return copy
    }

    /// The checks that passed on tampered evidence (and so could never fail).
    static func blindChecks(_ evidence: ChaosInvariants) -> [String] {
        tampered(evidence).checks().filter(\.passed).map(\.name)
    }

    /// `value` with some of its encoded fields changed (the evidence types are immutable).
    private static func modified<T: Codable>(_ value: T, _ change: (inout [String: Any]) -> Void) -> T {
        guard let data = try? JSONEncoder().encode(value),
              var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return value }
        change(&object)
        guard let changed = try? JSONSerialization.data(withJSONObject: object),
              let decoded = try? JSONDecoder().decode(T.self, from: changed) else { return value }
        return decoded
    }
}
