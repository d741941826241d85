import Foundation
import Hummingbird

/// UPS Track API: by inquiry (tracking) number and by reference number. The reference lookup is
/// how a client finds labels whose ship response it lost, since UPS has no idempotency.
///
/// Both answer `trackResponse.shipment[].package[]` (UPS `Tracking.yaml`, `TrackApiResponse`) and
/// require the `transId` and `transactionSrc` headers. A number or reference with no label is a 200
/// whose shipment carries `warnings[{code:"TW0001"}]` (karrio's fixture for the details call; the
/// sandbox answers the reference call the same way). The reference call reports one `shipment` per
/// shipment bought under the reference, at shipment or at package level (a US/US or PR/PR shipment
/// can only carry it on the package), oldest first, with `inquiryNumber` its 1Z shipment number;
/// the query parameters UPS defines there (`locale`, `fromPickUpDate`, `toPickUpDate`, `refNumType`,
/// `shipperNum`, `destCountry`, `destZip`) are accepted and ignored.
extension UPSSimulator {
    func track(_ request: Request, inquiryNumber: String) -> Response {
        if let missing = Self.missingTransactionHeaders(request) { return missing }
        guard inquiryNumber.count >= 7, inquiryNumber.count <= 34, inquiryNumber.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return UPSError.response(status: .badRequest, code: "TV1002", message: "Invalid inquiry number")
        }
        guard let label = labels.label(inquiryNumber), label.carrier == .ups else {
            return Self.notFound(inquiryNumber)
        }
        return .json(["trackResponse": ["shipment": [shipment(label, inquiryNumber: inquiryNumber, packages: [inquiryNumber])]]])
    }

    func trackByReference(_ request: Request, referenceNumber: String) -> Response {
        if let missing = Self.missingTransactionHeaders(request) { return missing }
        // Sandbox choice: the spec gives no length rule for references; UPS prints at most 35 characters.
        guard !referenceNumber.isEmpty, referenceNumber.count <= 35 else {
            return UPSError.response(status: .badRequest, code: "TV1002", message: "Invalid reference number")
        }
        let found = labels.labels(carrier: .ups, reference: referenceNumber, now: clock.now, lag: configuration.referenceLookupLagSeconds)
        guard !found.isEmpty else { return Self.notFound(referenceNumber) }
        let shipments = found.map { label in
            shipment(label, inquiryNumber: label.trackingNumber, packages: label.packageTrackingNumbers)
        }
        return .json(["trackResponse": ["shipment": .array(shipments)]])
    }

    private static func missingTransactionHeaders(_ request: Request) -> Response? {
        guard request.header("transId")?.isEmpty == false, request.header("transactionSrc")?.isEmpty == false else {
            return UPSError.response(status: .badRequest, code: "TV1001", message: "Missing transId or transactionSrc header")
        }
        return nil
    }

    private static func notFound(_ inquiry: String) -> Response {
        .json([
            "trackResponse": [
                "shipment": [
                    [
                        "inquiryNumber": .string(inquiry),
                        "package": [],
                        "userRelation": [],
                        "warnings": [["code": "TW0001", "message": "Tracking Information Not Found"]],
                    ]
                ]
            ]
        ])
    }

    private func shipment(_ label: ShippingLabel, inquiryNumber: String, packages: [String]) -> JSONValue {
        [
            "inquiryNumber": .string(inquiryNumber),
            "package": .array(packages.map { package(label, trackingNumber: $0) }),
            "userRelation": ["SHIPPER"],
        ]
    }

    private func package(_ label: ShippingLabel, trackingNumber: String) -> JSONValue {
        let current = Self.status(label)
        let status: JSONValue = [
            "type": .string(current.type), "description": .string(current.description),
            "code": .string(current.code), "statusCode": .string(current.statusCode),
        ]
        let activity: JSONValue = [
            "location": ["address": ["city": "ATLANTA", "stateProvince": "GA", "countryCode": "US", "country": "US"]],
            "status": status,
            "date": .string(Self.compactDate(clock.day(label.statusChangedAt))),
            "time": .string(Self.compactTime(clock.iso8601(label.statusChangedAt, fractional: false))),
        ]
        var deliveryDate: [JSONValue] = []
        if label.status == .delivered, !label.voided {
            deliveryDate.append(["type": "DEL", "date": .string(Self.compactDate(clock.day(label.statusChangedAt)))])
        }
        return [
            "trackingNumber": .string(trackingNumber),
            "deliveryDate": .array(deliveryDate),
            "activity": [activity],
            "currentStatus": status,
            "referenceNumber": .array(Self.referenceNumbers(label).map { ["type": "PACKAGE", "number": .string($0)] }),
            "service": ["code": .string(label.service), "description": .string(label.service)],
        ]
    }

    /// Every reference the label was bought under (the lookup by reference searches them all).
    private static func referenceNumbers(_ label: ShippingLabel) -> [String] {
        label.references.isEmpty ? label.reference.map { [$0] } ?? [] : label.references
    }

    /// UPS status type (`M` manifest, `MV` voided, `I` in progress, `D` delivered, `X` exception),
    /// activity code, description and status code for a label.
    private static func status(_ label: ShippingLabel) -> (type: String, code: String, description: String, statusCode: String) {
        if label.voided { return ("MV", "MV", "Shipper voided the label", "002") }
        switch label.status {
        case .labelCreated: return ("M", "MP", "Shipper created a label, UPS has not received the package yet.", "003")
        case .pickedUp: return ("I", "OR", "Pickup Scan", "005")
        case .inTransit: return ("I", "DP", "Departed from Facility", "005")
        case .outForDelivery: return ("I", "OT", "Out For Delivery Today", "021")
        case .delivered: return ("D", "KB", "Delivered", "011")
        case .exception: return ("X", "RS", "Delivery Exception", "007")
        }
    }

    private static func compactDate(_ day: String) -> String { day.replacingOccurrences(of: "-", with: "") }

    /// `HHMMSS` from an ISO 8601 stamp.
    private static func compactTime(_ stamp: String) -> String {
        guard let t = stamp.firstIndex(of: "T") else { return "000000" }
        return String(stamp[stamp.index(after: t)...].prefix(8).replacingOccurrences(of: ":", with: ""))
    }
}
