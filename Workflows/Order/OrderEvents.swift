import Foundation

/// The order-status webhook the e-commerce platform receives (INT-001: confirmed, shipped,
/// delivered, cancelled), written to the durable outbox with the transition that caused it.
public struct OrderStatusEvent: Codable, Sendable, Equatable {
    /// The outbox topic the worker's webhook transport delivers.
    public static let topic = "order-status"

    public var orderID: String
    /// `confirmed`, `shipped`, `delivered` or `cancelled`.
    public var event: String
    public var carrier: String?
    public var trackingNumber: String?
    public var reason: String?
    public var occurredAt: Date

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id", event, carrier, trackingNumber = "tracking_number", reason, occurredAt = "occurred_at"
    }

    public init(orderID: String, event: String, carrier: String? = nil, trackingNumber: String? = nil, reason: String? = nil, occurredAt: Date) {
        self.orderID = orderID
        self.event = event
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.reason = reason
        self.occurredAt = occurredAt
    }
}

/// A carrier tracking update as the `tracking` signal carries it (the server's
/// `POST /webhooks/carriers/{carrier}` normalises every carrier to this shape).
public struct TrackingEvent: Codable, Sendable, Equatable {
    public var eventID: String
    public var carrier: String
    public var trackingNumber: String
    /// `in_transit`, `out_for_delivery`, `delivered` or `exception`.
    public var status: String
    public var location: String?
    public var occurredAt: Date?
    public var description: String?

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id", carrier, trackingNumber = "tracking_number", status, location
        case occurredAt = "occurred_at", description
    }

    /// Reads `occurred_at` with or without fractional seconds; an unreadable time is dropped
    /// rather than the whole update.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        eventID = try container.decode(String.self, forKey: .eventID)
        carrier = try container.decode(String.self, forKey: .carrier)
        trackingNumber = try container.decode(String.self, forKey: .trackingNumber)
        status = try container.decode(String.self, forKey: .status)
        location = try container.decodeIfPresent(String.self, forKey: .location)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        let text = try? container.decodeIfPresent(String.self, forKey: .occurredAt)
        occurredAt = text.flatMap { text in
            let formatter = ISO8601DateFormatter()
            if let date = formatter.date(from: text) { return date }
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return formatter.date(from: text)
        }
    }

    public init(eventID: String, carrier: String, trackingNumber: String, status: String, location: String? = nil,
                occurredAt: Date? = nil, description: String? = nil) {
        self.eventID = eventID
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.status = status
        self.location = location
        self.occurredAt = occurredAt
        self.description = description
    }

    /// The signal name tracking updates are delivered under.
    public static let signal = "tracking"
}

/// What a completed order reports: everything the nightly accounting batch needs, so it reads
/// the orders of a day from the workflows' output alone.
public struct OrderOutcome: Codable, Sendable, Equatable {
    public var orderID: String
    public var customer: OrderCustomer
    public var items: [OrderLineItem]
    public var currency: String
    public var subtotal: ExactDecimal
    public var shippingAmount: ExactDecimal
    public var taxAmount: ExactDecimal
    public var total: ExactDecimal
    public var paymentIntentID: String
    public var carrier: String
    public var trackingNumber: String
    public var invoiceID: String?
    public var deliveredAt: Date?

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id", customer, items, currency, subtotal, shippingAmount = "shipping_amount"
        case taxAmount = "tax_amount", total, paymentIntentID = "payment_intent_id", carrier
        case trackingNumber = "tracking_number", invoiceID = "invoice_id", deliveredAt = "delivered_at"
    }
}
