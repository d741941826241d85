import Foundation

/// A postal address with the contact the carrier prints on the label. Exists so a label request
/// is stated once and each client maps it to its carrier's JSON.
public struct PostalAddress: Sendable, Codable, Equatable {
    public var name: String
    public var company: String?
    public var phone: String
    public var streetLines: [String]
    public var city: String
    /// State or province code (`TN`).
    public var stateCode: String
    public var postalCode: String
    /// ISO 3166-1 alpha-2 (`US`).
    public var countryCode: String

    public init(name: String, company: String? = nil, phone: String, streetLines: [String], city: String, stateCode: String, postalCode: String, countryCode: String = "US") {
        self.name = name
        self.company = company
        self.phone = phone
        self.streetLines = streetLines
        self.city = city
        self.stateCode = stateCode
        self.postalCode = postalCode
        self.countryCode = countryCode
    }
}

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
