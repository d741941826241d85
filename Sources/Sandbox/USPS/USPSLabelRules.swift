import Foundation
import Hummingbird

/// The checks USPS's Domestic Labels API makes on `POST /label` before it sells a label, as its
/// document (`domestic-labels.yaml` 3.9.13, `LabelRequest`) states them: no top-level keys but the
/// documented ones; `fromAddress`, `toAddress` and `packageDescription` required; addresses with
/// a `streetAddress` (1–50), `city` (1–28), a state code and a five-digit `ZIPCode`, names of
/// 1–50, a phone of digits; a `packageDescription` with its required fields (`mailClass`,
/// `processingCategory`, `destinationEntryFacilityType`, `mailingDate`, `weight`, `length`,
/// `width`, `height`), its enumerations, and a `rateIndicator` (or `packagingType` and `shape`);
/// at most four `customerReference`s of 1–30; `imageInfo` enumerations; and an
/// `X-Idempotency-Key` that is a UUID. Exists so a client the sandbox accepts would also be
/// accepted by USPS.
enum USPSLabelRules {
    static let topLevelKeys: Set<String> = [
        "imageInfo", "toAddress", "fromAddress", "senderAddress", "returnAddress", "packageDescription", "customsForm",
    ]
    static let mailClasses: Set<String> = [
        "PARCEL_SELECT", "PARCEL_SELECT_LIGHTWEIGHT", "USPS_CONNECT_LOCAL", "USPS_CONNECT_REGIONAL", "USPS_CONNECT_MAIL",
        "USPS_GROUND_ADVANTAGE", "PRIORITY_MAIL_EXPRESS", "PRIORITY_MAIL", "FIRST-CLASS_PACKAGE_SERVICE", "LIBRARY_MAIL",
        "MEDIA_MAIL", "BOUND_PRINTED_MATTER",
    ]
    static let processingCategories: Set<String> = ["LETTERS", "FLATS", "MACHINABLE", "IRREGULAR", "NON_MACHINABLE", "NONSTANDARD"]
    static let entryFacilityTypes: Set<String> = [
        "NONE", "DESTINATION_NETWORK_DISTRIBUTION_CENTER", "DESTINATION_SECTIONAL_CENTER_FACILITY", "DESTINATION_DELIVERY_UNIT",
        "DESTINATION_SERVICE_HUB", "DESTINATION_REGIONAL_PROCESSING_DISTRIBUTION_CENTER",
    ]
    static let rateIndicators: Set<String> = [
        "3D", "3N", "3R", "5D", "BA", "BB", "CP", "CM", "DC", "DE", "DF", "DN", "DR", "E4", "E6", "FA", "FB", "FE", "FP", "FS", "LC",
        "LF", "LL", "LO", "LS", "NP", "OS", "P5", "P6", "P7", "P8", "P9", "Q6", "Q7", "Q8", "Q9", "Q0", "PA", "PL", "PM", "PR", "SN",
        "SP", "SR",
    ]
    static let states: Set<String> = [
        "AA", "AE", "AL", "AK", "AP", "AS", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FM", "FL", "GA", "GU", "HI", "ID", "IL", "IN",
        "IA", "KS", "KY", "LA", "ME", "MH", "MD", "MA", "MI", "MN", "MS", "MO", "MP", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC",
        "ND", "OH", "OK", "OR", "PW", "PA", "PR", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VI", "VA", "WA", "WV", "WI", "WY",
    ]
    static let imageTypes: Set<String> = ["PDF", "TIFF", "JPG", "PNG", "GIF", "SVG", "ZPL203DPI", "ZPL300DPI", "EPL300DPI", "LABEL_BROKER", "NONE"]
    static let labelTypes: Set<String> = ["4X4LABEL", "4X5LABEL", "4X6LABEL", "6X4LABEL", "2X7LABEL"]
    static let receiptOptions: Set<String> = ["SAME_PAGE", "SEPARATE_PAGE", "NONE"]

    /// The 400 to answer the label request with, or `nil` when it may buy a label.
    static func problem(in body: JSONValue, idempotencyKey: String?) -> Response? {
        if let key = idempotencyKey, UUID(uuidString: key) == nil {
            return invalid("X-Idempotency-Key", "must be a UUID")
        }
        guard let fields = body.objectValue else { return invalid("body", "must be a JSON object") }
        if let unknown = fields.keys.sorted().first(where: { !topLevelKeys.contains($0) }) {
            return invalid(unknown, "is not a field of a label request")
        }
        for side in ["fromAddress", "toAddress", "packageDescription"] where body[side]?.objectValue == nil {
            return invalid(side, "is required")
        }
        for side in ["fromAddress", "toAddress"] {
            if let problem = address(body[side] ?? .null, side) { return problem }
        }
        if let problem = package(body["packageDescription"] ?? .null) { return problem }
        if let image = body["imageInfo"] {
            for (field, allowed) in [("imageType", imageTypes), ("labelType", labelTypes), ("receiptOption", receiptOptions)] {
                if let value = image[field], let problem = oneOf(value, allowed, "imageInfo.\(field)") { return problem }
            }
        }
        return nil
    }

    private static func address(_ address: JSONValue, _ path: String) -> Response? {
        if let problem = text(address["streetAddress"], "\(path).streetAddress", 1...50) { return problem }
        if let problem = text(address["city"], "\(path).city", 1...28) { return problem }
        if let problem = oneOf(address["state"], states, "\(path).state") { return problem }
        guard case .string(let zip) = address["ZIPCode"], zip.count == 5, zip.allSatisfy(\.isASCII), zip.allSatisfy(\.isNumber) else {
            return invalid("\(path).ZIPCode", "must be five digits")
        }
        if let plus4 = address["ZIPPlus4"] {
            guard case .string(let digits) = plus4, digits.count == 4, digits.allSatisfy(\.isNumber) else { return invalid("\(path).ZIPPlus4", "must be four digits") }
        }
        for name in ["firstName", "lastName"] {
            if let value = address[name], let problem = text(value, "\(path).\(name)", 1...50) { return problem }
        }
        if let firm = address["firm"], let problem = text(firm, "\(path).firm", 0...50) { return problem }
        if let phone = address["phone"] {
            guard case .string(let digits) = phone, (6...15).contains(digits.count), digits.allSatisfy(\.isNumber) else {
                return invalid("\(path).phone", "must be 6 to 15 digits")
            }
        }
        return nil
    }

    private static func package(_ package: JSONValue) -> Response? {
        let path = "packageDescription"
        if let problem = oneOf(package["mailClass"], mailClasses, "\(path).mailClass") { return problem }
        if let problem = oneOf(package["processingCategory"], processingCategories, "\(path).processingCategory") { return problem }
        if let problem = oneOf(package["destinationEntryFacilityType"], entryFacilityTypes, "\(path).destinationEntryFacilityType") { return problem }
        guard case .string(let date) = package["mailingDate"], isDay(date) else { return invalid("\(path).mailingDate", "must be a date YYYY-MM-DD") }
        guard let weight = package["weight"], weight.isNumber, let pounds = weight.decimalValue, pounds > 0 else {
            return invalid("\(path).weight", "must be a number greater than 0")
        }
        for dimension in ["length", "width", "height"] {
            guard case let value? = package[dimension], value.isNumber, let number = value.decimalValue, number >= 0 else {
                return invalid("\(path).\(dimension)", "is required (a number, at least 0)")
            }
        }
        if let unit = package["weightUOM"], unit != "lb" { return invalid("\(path).weightUOM", "must be lb") }
        if let unit = package["dimensionsUOM"], unit != "in" { return invalid("\(path).dimensionsUOM", "must be in") }
        if let indicator = package["rateIndicator"] {
            if let problem = oneOf(indicator, rateIndicators, "\(path).rateIndicator") { return problem }
        } else if package["packagingType"] == nil || package["shape"] == nil {
            return invalid("\(path).rateIndicator", "is required (or packagingType and shape)")
        }
        if let references = package["customerReference"] {
            guard let list = references.arrayValue, list.count <= 4 else { return invalid("\(path).customerReference", "must be an array of at most 4") }
            for reference in list {
                if let problem = text(reference["referenceNumber"], "\(path).customerReference.referenceNumber", 1...30) { return problem }
            }
        }
        return nil
    }

    private static func isDay(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts.map(\.count) == [4, 2, 2] && parts.allSatisfy { $0.allSatisfy(\.isNumber) }
    }

    private static func text(_ value: JSONValue?, _ path: String, _ length: ClosedRange<Int>) -> Response? {
        guard case .string(let text) = value, length.contains(text.count) else {
            return invalid(path, "must be a string of \(length.lowerBound) to \(length.upperBound) characters")
        }
        return nil
    }

    private static func oneOf(_ value: JSONValue?, _ allowed: Set<String>, _ path: String) -> Response? {
        guard case .string(let text) = value, allowed.contains(text) else { return invalid(path, "is missing or not an allowed value") }
        return nil
    }

    private static func invalid(_ parameter: String, _ problem: String) -> Response {
        USPSError.response(status: .badRequest, code: "400", message: "Bad Request", detail: "\(parameter) \(problem).", parameter: parameter)
    }
}
