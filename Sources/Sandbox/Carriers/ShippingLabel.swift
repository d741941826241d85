import Foundation

/// A label bought from a simulated carrier: what the carrier knows about it afterwards (for
/// voiding, tracking and lookups by reference) and what the ledger reports.
struct ShippingLabel: Sendable {
    let carrier: SandboxAPI
    /// The shipment's identifying number (FedEx master tracking number, UPS 1Z shipment id,
    /// USPS tracking number).
    let trackingNumber: String
    /// One tracking number per package; the first equals `trackingNumber`.
    let packageTrackingNumbers: [String]
    let reference: String?
    let idempotencyKey: String?
    let service: String
    let charge: Decimal
    let createdAt: Date
    let imageFormat: LabelImage.Format
    var voided = false
    var status: TrackingStatus = .labelCreated
    var statusChangedAt: Date
    /// USPS: the CRID whose payment token bought the label.
    var owner: String?
}
