import Foundation

/// A bought label: its tracking number and the printable image (PDF for FedEx and USPS; GIF for
/// UPS, whose API offers no PDF). Exists as the persisted result of the workflow's label step.
public struct ShippingLabel: Sendable, Codable, Equatable {
    public var carrier: String
    public var trackingNumber: String
    /// The label document, base64-decoded.
    public var labelImage: [UInt8]
    /// `PDF`, `GIF`, …: the format of `labelImage`.
    public var imageFormat: String
    /// The customer reference the label was bought under (FedEx, UPS), if any.
    public var reference: String?
    /// The carrier's charge, when it reports one.
    public var charge: Decimal?

    public init(carrier: String, trackingNumber: String, labelImage: [UInt8], imageFormat: String, reference: String?, charge: Decimal?) {
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.labelImage = labelImage
        self.imageFormat = imageFormat
        self.reference = reference
        self.charge = charge
    }
}
