import Foundation
import Sundial

/// One line of `orders/…ndjson`: an order that ended (completed, cancelled or compensated), with
/// its amounts as exact decimal strings. Written once per order, when its ending event is
/// exported; nothing about an ended order changes afterwards.
struct WarehouseOrderRow: Encodable {
    struct Item: Encodable {
        var sku: String
        var quantity: Int
        var unitPrice: String
        enum CodingKeys: String, CodingKey { case sku, quantity, unitPrice = "unit_price" }
    }

    var orderID: String
    var workflowID: String
    var status: String
    var customerID: String
    var currency: String
    var subtotal: String
    var shippingAmount: String
    var taxAmount: String
    var total: String
    var items: [Item]
    var serviceLevel: String
    var paymentIntentID: String?
    var captured: Bool
    var carrier: String?
    var trackingNumber: String?
    var invoiceID: String?
    var placedAt: Date
    var endedAt: Date
    var eventPosition: String

    init(snapshot: WorkflowSnapshotRecord, context: OrderContext, ended: WorkflowEventRecord) {
        let order = context.order
        orderID = order.orderID
        workflowID = snapshot.id.uuidString.lowercased()
        status = snapshot.status
        customerID = order.customer.id
        currency = order.currency
        subtotal = ExactDecimal(order.subtotal, fractionDigits: 2).description
        shippingAmount = ExactDecimal(order.shippingAmount?.value ?? 0, fractionDigits: 2).description
        taxAmount = ExactDecimal(order.taxAmount?.value ?? 0, fractionDigits: 2).description
        total = ExactDecimal(order.total, fractionDigits: 2).description
        items = order.items.map { Item(sku: $0.sku, quantity: $0.quantity, unitPrice: $0.unitPrice.description) }
        serviceLevel = order.serviceLevel.rawValue
        paymentIntentID = context.paymentIntentID
        captured = context.captured
        carrier = context.label?.carrier
        trackingNumber = context.label?.trackingNumber
        invoiceID = context.invoice?.id
        placedAt = snapshot.createdAt
        endedAt = ended.occurredAt
        eventPosition = ended.position.text
    }

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id", workflowID = "workflow_id", status, customerID = "customer_id", currency, subtotal
        case shippingAmount = "shipping_amount", taxAmount = "tax_amount", total, items, serviceLevel = "service_level"
        case paymentIntentID = "payment_intent_id", captured, carrier, trackingNumber = "tracking_number", invoiceID = "invoice_id"
        case placedAt = "placed_at", endedAt = "ended_at", eventPosition = "event_position"
    }
}
