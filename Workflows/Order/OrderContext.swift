import Foundation
import Integrations

/// Everything the order workflow remembers between states, committed with every transition.
public struct OrderContext: Codable, Sendable, Equatable {
    public var order: OrderInput
    /// The Stripe PaymentIntent once authorized.
    public var paymentIntentID: String?
    /// Stripe's status of the intent as last seen (`requires_capture`, `succeeded`, …).
    public var paymentStatus: String?
    /// How many times a still-processing payment was re-read.
    public var paymentChecks = 0
    /// Set once an authorization's answer was lost (it may exist unseen) and the undo that finds
    /// the order's payments by `metadata[order_id]` was registered (nil in older contexts).
    public var authorizationInDoubt: Bool?
    /// Set once the refund undo is registered, before a capture whose answer was lost or after a
    /// capture that answered, so it is registered once (nil in older contexts).
    public var refundUndoRegistered: Bool?
    /// `YYYY-MM-DD` ship date, fixed at authorization so every label attempt sends the same payload.
    public var shipDate: String?
    /// Index into the carrier preference list of the order's service level.
    public var carrierIndex = 0
    /// One line per carrier given up on: `FedEx: <why>`.
    public var carrierFailures: [String] = []
    /// Rounds through every carrier that ended without a label (nil before the first such
    /// round, and in contexts written before this field).
    public var carrierRoundsFailed: Int?
    /// The label bought (the one kept).
    public var label: LabelRecord?
    public var captured = false
    public var tracking = TrackingProgress()
    /// Why the order is parked in `needsAttention`.
    public var attention: String?
    public var invoice: InvoiceRecord?
    /// When the order moved on to `invoice` (nil for contexts written before this field).
    public var invoiceDueSince: Date?
    /// What happened to the order, in business terms, oldest first (at most 100 entries).
    public var timeline: [TimelineEntry] = []

    public init(order: OrderInput) { self.order = order }

    /// Appends to the timeline, keeping it bounded.
    public mutating func note(_ event: String, _ detail: String? = nil, at date: Date) {
        timeline.append(TimelineEntry(at: date, event: event, detail: detail))
        if timeline.count > 100 { timeline.removeFirst(timeline.count - 100) }
    }
}

/// The label an order ships with.
public struct LabelRecord: Codable, Sendable, Equatable {
    /// The carrier's key in the routing table (`fedex`, `ups`, `usps`).
    public var carrier: String
    public var trackingNumber: String
    /// The carrier's service code the label was bought for.
    public var service: String
    /// Where the label document was stored (a path under the label folder).
    public var storedAt: String
    public var format: String
}

/// How far the parcel has got, from webhooks and polls together. Events are ranked so a late,
/// out-of-order event never moves the parcel backwards, and event ids are remembered so a
/// duplicate changes nothing.
public struct TrackingProgress: Codable, Sendable, Equatable {
    /// `label_created`, `in_transit`, `out_for_delivery`, `delivered`, `exception`.
    public var status = "label_created"
    public var location: String?
    /// When the parcel last moved forward (or the label was bought).
    public var lastProgressAt: Date?
    /// Ids of the webhook events applied (the newest 50).
    public var seenEventIDs: [String] = []
    /// How many times the carrier was polled.
    public var polls = 0
    public var deliveredAt: Date?
}

/// The QuickBooks invoice of a delivered order.
public struct InvoiceRecord: Codable, Sendable, Equatable {
    public var id: String
    public var docNumber: String?
}

/// One line of an order's business timeline (`authorized`, `label bought`, `in transit`, …).
public struct TimelineEntry: Codable, Sendable, Equatable {
    public var at: Date
    public var event: String
    public var detail: String?
}
