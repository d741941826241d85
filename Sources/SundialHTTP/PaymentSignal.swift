import Foundation

/// What a verified Stripe event becomes for the order workflow: the signal named `payment`,
/// sent with the event id as signal id (so Stripe's redeliveries signal once), carrying the
/// few facts the workflow acts on. It re-reads the PaymentIntent when order matters.
public struct PaymentSignal: Codable, Sendable, Equatable {
    public static let name = "payment"

    public var eventID: String
    /// Stripe's event type (`payment_intent.succeeded`, `charge.refunded`).
    public var type: String
    public var paymentIntentID: String?
    /// The object's status as the event shows it (`succeeded`, `requires_capture`, …).
    public var status: String?

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id", type, paymentIntentID = "payment_intent_id", status
    }

    public init(eventID: String, type: String, paymentIntentID: String?, status: String?) {
        self.eventID = eventID
        self.type = type
        self.paymentIntentID = paymentIntentID
        self.status = status
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(eventID, forKey: .eventID)
        try container.encode(type, forKey: .type)
        try container.encode(paymentIntentID, forKey: .paymentIntentID)  // null rather than absent
        try container.encode(status, forKey: .status)
    }
}
