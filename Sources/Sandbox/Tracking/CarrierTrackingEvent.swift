import Foundation

/// The normalised body of a carrier tracking webhook (INT-003), the same for FedEx, UPS and
/// USPS, as Sundial's server accepts it at `POST {base}/webhooks/carriers/{carrier}`:
///
/// ```json
/// {"event_id":"cte_…","carrier":"fedex","tracking_number":"794900000001","status":"in_transit",
///  "location":"Memphis, TN","occurred_at":"2026-07-01T14:03:07Z","description":"In transit"}
/// ```
///
/// Exists so the sandbox and its tests agree on one wire format. `event_id` is unique per event;
/// a duplicated delivery repeats it, so receivers deduplicate on it.
public struct CarrierTrackingEvent: Sendable, Codable, Equatable {
    /// The statuses INT-003 names, in their snake_case wire spelling.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case inTransit = "in_transit"
        case outForDelivery = "out_for_delivery"
        case delivered
        case exception

        /// The wire status of a sandbox parcel status; `nil` for `labelCreated`, which is no event.
        /// `pickedUp` counts as in transit.
        init?(_ status: TrackingStatus) {
            switch status {
            case .labelCreated: return nil
            case .pickedUp, .inTransit: self = .inTransit
            case .outForDelivery: self = .outForDelivery
            case .delivered: self = .delivered
            case .exception: self = .exception
            }
        }

        /// True for the statuses a parcel ends in.
        public var isFinal: Bool { self == .delivered || self == .exception }
    }

    public var eventID: String
    /// `fedex`, `ups` or `usps`.
    public var carrier: String
    public var trackingNumber: String
    public var status: Status
    /// `City, ST`.
    public var location: String
    /// ISO 8601 in UTC, e.g. `2026-07-01T14:03:07Z`.
    public var occurredAt: String
    /// Human text, e.g. `Out for delivery`.
    public var description: String

    public init(eventID: String, carrier: String, trackingNumber: String, status: Status, location: String, occurredAt: String, description: String) {
        self.eventID = eventID
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.status = status
        self.location = location
        self.occurredAt = occurredAt
        self.description = description
    }

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id"
        case carrier
        case trackingNumber = "tracking_number"
        case status
        case location
        case occurredAt = "occurred_at"
        case description
    }

    /// The JSON body as sent: snake_case keys, sorted, no whitespace.
    public func body() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a struct of strings cannot fail.
        return Array((try? encoder.encode(self)) ?? Data())
    }
}
