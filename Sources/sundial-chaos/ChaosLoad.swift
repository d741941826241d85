import Foundation
import Sandbox

/// The traffic of a chaos run: orders through the intake API (retried as a shop would when the
/// server cannot answer), duplicate submissions, cancels before and after pickup, and carrier
/// webhooks replayed twice and out of order.
struct ChaosLoad: Sendable {
    let http: ChaosHTTP
    let serverURL: String
    let sandboxURL: String
    let token: String
    let tally: ChaosTally

    static func kind(of n: Int) -> ChaosTally.Kind {
        switch n % 50 {
        case 7: .declined
        case 13: .cancelBeforePickup
        case 21 where n % 100 == 21: .exception
        case 29: .cancelAfterPickup
        default: .normal
        }
    }

    static func orderBody(_ orderID: String, kind: ChaosTally.Kind, quantity: Int = 2) -> Data {
        let card = kind == .declined ? "pm_card_chargeDeclined" : "pm_card_visa"
        let recipient = switch kind {
        case .cancelBeforePickup: "Nora NOPROGRESS"
        case .exception: "Eve EXCEPTION"
        default: "Ada Shopper"
        }
        let json = """
            {"order_id":"\(orderID)","customer":{"id":"cust-\(orderID)","name":"\(recipient)"},
             "items":[{"sku":"SUN-HAT-01","quantity":\(quantity),"unit_price":"19.99","weight_pounds":"0.5"},
                      {"sku":"SPF-50","quantity":1,"unit_price":"12.50"}],
             "currency":"usd",
             "shipping_address":{"name":"\(recipient)","phone":"212-555-0100","lines":["1 Main St"],"city":"New York","state":"NY","postal_code":"10001","country":"US"},
             "service_level":"ground","payment_method":"\(card)","shipping_amount":"5.00","tax_amount":"4.28"}
            """
        return Data(json.utf8)
    }

    private var auth: [(String, String)] { [("Authorization", "Bearer \(token)")] }

    /// Submits order `n` until the server accepts it (201 or 200), as a shop retries.
    func submit(_ n: Int, prefix: String) async {
        let orderID = "\(prefix)-\(n)"
        let kind = Self.kind(of: n)
        let body = Self.orderBody(orderID, kind: kind)
        for attempt in 1...60 {
            if attempt > 1 {
                await tally.retriedSubmit()
                try? await Task.sleep(for: .milliseconds(500))
            }
            guard let answer = try? await http.send(.POST, "\(serverURL)/api/v1/orders", headers: auth, body: body, timeout: .seconds(10)) else { continue }
            switch answer.status {
            case 200, 201:
                guard let id = answer.json?["workflow_id"] as? String else {
                    await tally.violation("\(orderID): \(answer.status) without a workflow id")
                    return
                }
                await tally.accept(orderID, workflowID: id, kind: kind)
                await duplicates(n, orderID: orderID, kind: kind, body: body, workflowID: id)
                return
            case 500...599: continue
            default:
                await tally.violation("\(orderID): submit answered \(answer.status) \(String(decoding: answer.body, as: UTF8.self).prefix(200))")
                return
            }
        }
        await tally.violation("\(orderID): never accepted after 60 attempts")
    }

    /// Every 20th order is sent again unchanged (must answer 200 with the same workflow); every
    /// 100th again with another quantity (must answer 409).
    private func duplicates(_ n: Int, orderID: String, kind: ChaosTally.Kind, body: Data, workflowID: String) async {
        if n % 20 == 3, let again = try? await http.send(.POST, "\(serverURL)/api/v1/orders", headers: auth, body: body) {
            await tally.duplicateSame()
            if again.status != 200 || again.json?["workflow_id"] as? String != workflowID, again.status < 500 {
                await tally.violation("\(orderID): same body again answered \(again.status), not 200 with the same workflow")
            }
        }
        if n % 100 == 47,
           let changed = try? await http.send(.POST, "\(serverURL)/api/v1/orders", headers: auth, body: Self.orderBody(orderID, kind: kind, quantity: 3)) {
            await tally.duplicateDifferent()
            if changed.status != 409, changed.status < 500 {
                await tally.violation("\(orderID): a different body answered \(changed.status), not 409")
            }
        }
    }

    /// Cancels the orders meant to be cancelled: before pickup (must be accepted) once the label
    /// exists, and after pickup (must be refused) once the parcel moves.
    func cancel(_ orderID: String, beforePickup: Bool, deadline: ContinuousClock.Instant) async {
        while ContinuousClock.now < deadline {
            guard let view = try? await http.send(.GET, "\(serverURL)/api/v1/orders/\(orderID)", headers: auth), view.status == 200,
                  let json = view.json else {
                try? await Task.sleep(for: .milliseconds(500))
                continue
            }
            let tracking = json["tracking_status"] as? String
            let ready = beforePickup ? json["tracking_number"] is String : (tracking == "in_transit" || tracking == "out_for_delivery" || tracking == "delivered")
            if ["completed", "cancelled", "compensated", "failed"].contains(json["status"] as? String ?? "") && !ready { return }
            guard ready else {
                try? await Task.sleep(for: .milliseconds(300))
                continue
            }
            let body = Data(#"{"reason": "chaos: customer changed their mind"}"#.utf8)
            guard let answer = try? await http.send(.POST, "\(serverURL)/api/v1/orders/\(orderID)/cancel", headers: auth, body: body) else { continue }
            if answer.status >= 500 { continue }
            if beforePickup {
                await tally.cancelAccepted()
                if answer.status != 202 { await tally.violation("\(orderID): cancel before pickup answered \(answer.status), not 202") }
            } else {
                await tally.cancelRefused()
                if answer.status != 409 { await tally.violation("\(orderID): cancel after pickup answered \(answer.status), not 409") }
            }
            return
        }
    }

    /// Posts again some of the tracking events the sandbox already delivered (duplicates), and
    /// two events of one parcel in reverse order (out of order), correctly signed.
    func replayWebhooks(round: Int) async {
        guard let deliveries = try? await http.get([CarrierWebhookDelivery].self, "\(sandboxURL)/sandbox/tracking/events") else { return }
        let events = deliveries.map(\.event)
        var replayed = 0
        for event in events.shuffled().prefix(15) where await post(event) { replayed += 1 }
        await tally.replayed(replayed)
        let byParcel = Dictionary(grouping: events, by: \.trackingNumber).values.filter { $0.count >= 2 }
        if let pair = byParcel.randomElement() {
            for event in pair.suffix(2).reversed() { _ = await post(event) }
            await tally.reordered()
        }
    }

    private func post(_ event: CarrierTrackingEvent) async -> Bool {
        guard let body = try? JSONEncoder().encode(event) else { return false }
        let header = CarrierWebhookSignature.header(payload: Array(body), secret: ChaosFleet.carrierSecret, timestamp: Int(Date().timeIntervalSince1970))
        let answer = try? await http.send(.POST, "\(serverURL)/webhooks/carriers/\(event.carrier)",
                                          headers: [(CarrierWebhookSignature.headerName, header)], body: body)
        guard let answer else { return false }
        if !(200..<300).contains(answer.status), answer.status < 500 {
            await tally.violation("webhook replay \(event.eventID) answered \(answer.status)")
        }
        return (200..<300).contains(answer.status)
    }
}
