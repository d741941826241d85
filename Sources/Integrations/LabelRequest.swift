import Foundation

/// One parcel to ship: from, to, weight and the carrier's service code. Exists as the input of
/// ``Carrier/buyLabel(_:idempotencyKey:)``. Weights are `Decimal` pounds, never `Double`.
public struct LabelRequest: Sendable, Codable, Equatable {
    public var shipper: PostalAddress
    public var recipient: PostalAddress
    /// Weight in pounds.
    public var weightPounds: Decimal
    /// The carrier's service code: FedEx `FEDEX_GROUND`, UPS `03`, USPS `USPS_GROUND_ADVANTAGE`.
    public var service: String
    /// `YYYY-MM-DD` ship date; `nil` means today (UTC). Keep it in the workflow's persisted input
    /// so a retry on another day sends the same payload (USPS dedupes identical payloads only).
    public var shipDate: String?

    public init(shipper: PostalAddress, recipient: PostalAddress, weightPounds: Decimal, service: String, shipDate: String? = nil) {
        self.shipper = shipper
        self.recipient = recipient
        self.weightPounds = weightPounds
        self.service = service
        self.shipDate = shipDate
    }
}
