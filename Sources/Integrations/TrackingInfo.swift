import Foundation

/// Where a parcel is, normalised across carriers. Exists so the workflow's tracking loop can
/// decide "delivered", "keep polling" or "alert" without knowing carrier codes.
public struct TrackingInfo: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        case labelCreated, inTransit, outForDelivery, delivered, exception, cancelled, notFound, unknown
    }

    public var trackingNumber: String
    public var status: Status
    /// The carrier's own status code (`DL`, `IT`, …).
    public var carrierCode: String?
    public var carrierDescription: String?

    public init(trackingNumber: String, status: Status, carrierCode: String?, carrierDescription: String?) {
        self.trackingNumber = trackingNumber
        self.status = status
        self.carrierCode = carrierCode
        self.carrierDescription = carrierDescription
    }
}
