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
    /// The customer reference printed on the label (the first of `references` when those are set).
    let reference: String?
    /// Every customer reference the label was bought under, shipment and package level, in
    /// request order. The carriers' lookups by reference search all of them.
    var references: [String] = []
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
    /// The recipient's names as the request gave them (person, company), joined by spaces; the
    /// tracking webhooks read markers such as `EXCEPTION` from it.
    var recipient = ""
    /// `City, ST` of the recipient, where the last tracking events happen; `nil` when not given.
    var destination: String?

    /// True when the label was bought under `reference`, at shipment or package level.
    func isFiled(under reference: String) -> Bool {
        self.reference == reference || references.contains(reference)
    }

    /// True when the recipient name contains `marker`, ignoring case.
    func recipientContains(_ marker: String) -> Bool {
        recipient.range(of: marker, options: .caseInsensitive) != nil
    }

    /// `City, ST` from optional parts, or `nil` when the city is missing.
    static func place(city: String?, state: String?) -> String? {
        guard let city, !city.isEmpty else { return nil }
        guard let state, !state.isEmpty else { return city }
        return "\(city), \(state)"
    }
}
