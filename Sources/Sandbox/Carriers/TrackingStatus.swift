/// Where a simulated parcel is. Each carrier simulator renders it in its own codes (FedEx `DL`,
/// UPS type `D`, USPS `Delivered`); tests move parcels along with `SandboxServer.setTrackingStatus`
/// or `POST /sandbox/tracking/{trackingNumber}`, and with tracking webhooks on
/// (`SandboxConfiguration.trackingWebhooks`) parcels also move by themselves.
public enum TrackingStatus: String, Sendable, Codable, CaseIterable {
    case labelCreated
    case pickedUp
    case inTransit
    case outForDelivery
    case delivered
    case exception
}
