import Foundation

/// What `GET /api/v1/orders/{id}` answers: the order's status in the shop's words, where the
/// parcel is, and its timeline. Built from the order workflow's stored state and context, so
/// the intake API needs no knowledge of the state machine.
public struct OrderView: Codable, Sendable, Equatable {
    public var orderID: String
    public var workflowID: UUID
    /// `received`, `payment_pending`, `confirmed`, `shipped`, `in_transit`, `out_for_delivery`,
    /// `delivered`, `needs_attention`, `completed`, `cancelling`, `cancelled`, `compensated`,
    /// `failed`.
    public var status: String
    /// The workflow's state and engine status, for operators.
    public var state: String
    public var workflowStatus: String
    public var carrier: String?
    public var trackingNumber: String?
    public var trackingStatus: String?
    /// Why the order needs an operator, when it does.
    public var attentionReason: String?
    public var invoiceID: String?
    /// The Stripe PaymentIntent of the order's money, once known (support looks it up in Stripe).
    public var paymentIntentID: String?
    public var total: String
    public var currency: String
    public var lastError: String?
    public var timeline: [TimelineEntry]
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id", workflowID = "workflow_id", status, state, workflowStatus = "workflow_status"
        case carrier, trackingNumber = "tracking_number", trackingStatus = "tracking_status"
        case attentionReason = "attention_reason", invoiceID = "invoice_id", paymentIntentID = "payment_intent_id", total, currency
        case lastError = "last_error", timeline, createdAt = "created_at", updatedAt = "updated_at"
    }

    /// Builds the view from what the engine stores for an `order` workflow.
    public static func make(
        workflowID: UUID, state: String, workflowStatus: String, context json: String, lastError: String?,
        createdAt: Date, updatedAt: Date
    ) throws -> OrderView {
        let context = try JSONDecoder.sundial.decode(OrderContext.self, from: Data(json.utf8))
        return OrderView(
            orderID: context.order.orderID, workflowID: workflowID,
            status: publicStatus(state: OrderState(rawValue: state), workflowStatus: workflowStatus, context: context),
            state: state, workflowStatus: workflowStatus,
            carrier: context.label?.carrier, trackingNumber: context.label?.trackingNumber,
            trackingStatus: context.label == nil ? nil : context.tracking.status,
            attentionReason: state == OrderState.needsAttention.rawValue ? context.attention : nil,
            invoiceID: context.invoice?.id, paymentIntentID: context.paymentIntentID,
            total: ExactDecimal(context.order.total, fractionDigits: 2).description, currency: context.order.currency,
            lastError: lastError, timeline: context.timeline, createdAt: createdAt, updatedAt: updatedAt)
    }

    static func publicStatus(state: OrderState?, workflowStatus: String, context: OrderContext) -> String {
        switch workflowStatus {
        case "completed": return "completed"
        case "cancelled": return "cancelled"
        case "compensated": return "compensated"
        case "failed", "compensation_failed": return "failed"
        case "compensating": return "cancelling"
        default: break
        }
        switch state {
        case .authorize?: return context.paymentIntentID == nil ? "received" : "payment_pending"
        case .confirmPayment?: return "payment_pending"
        case .label?, .nextCarrier?, .capture?: return "confirmed"
        case .needsAttention?: return "needs_attention"
        case .invoice?: return "delivered"
        case .track?:
            switch context.tracking.status {
            case "in_transit": return "in_transit"
            case "out_for_delivery": return "out_for_delivery"
            case "delivered": return "delivered"
            default: return "shipped"
            }
        case nil: return "received"
        }
    }
}
