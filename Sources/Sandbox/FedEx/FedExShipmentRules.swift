import Foundation

/// The checks FedEx's Ship API makes on `POST /ship/v1/shipments` before it sells a label, as its
/// document (`ship-api.json`, `Full_Schema_Ship`) states them: the required fields
/// (`labelResponseOptions`, `requestedShipment` with `shipper`, `recipients`, `pickupType`,
/// `serviceType`, `packagingType`, `shippingChargesPayment.paymentType`, `labelSpecification`
/// `imageType` and `labelStockType`, `totalWeight`, `requestedPackageLineItems[].weight`), parties
/// with `address.streetLines`, `city` (at most 35), `countryCode` and `contact.phoneNumber`, and
/// the enumerations of the fields the order system sends. Exists so a client the sandbox accepts
/// would also be accepted by FedEx. Like FedEx, it names every invalid field at once.
enum FedExShipmentRules {
    static let labelResponseOptions: Set<String> = ["URL_ONLY", "LABEL"]
    static let pickupTypes: Set<String> = ["CONTACT_FEDEX_TO_SCHEDULE", "DROPOFF_AT_FEDEX_LOCATION", "USE_SCHEDULED_PICKUP"]
    static let paymentTypes: Set<String> = ["SENDER", "RECIPIENT", "THIRD_PARTY", "COLLECT"]
    static let imageTypes: Set<String> = ["ZPLII", "EPL2", "PDF", "PNG"]
    static let labelStockTypes: Set<String> = [
        "PAPER_4X6", "STOCK_4X675", "PAPER_4X675", "PAPER_4X8", "PAPER_4X9", "PAPER_7X475", "PAPER_85X11_BOTTOM_HALF_LABEL",
        "PAPER_85X11_TOP_HALF_LABEL", "PAPER_LETTER", "STOCK_4X675_LEADING_DOC_TAB", "STOCK_4X8", "STOCK_4X9_LEADING_DOC_TAB", "STOCK_4X6",
        "STOCK_4X675_TRAILING_DOC_TAB", "STOCK_4X9_TRAILING_DOC_TAB", "STOCK_4X9", "STOCK_4X85_TRAILING_DOC_TAB", "STOCK_4X105_TRAILING_DOC_TAB",
    ]
    static let weightUnits: Set<String> = ["KG", "LB"]
    static let customerReferenceTypes: Set<String> = [
        "CUSTOMER_REFERENCE", "DEPARTMENT_NUMBER", "INVOICE_NUMBER", "P_O_NUMBER", "INTRACOUNTRY_REGULATORY_REFERENCE", "RMA_ASSOCIATION",
    ]

    /// The paths of every missing or invalid field (empty when the shipment may be bought). The
    /// account number is checked before, with its own error.
    static func invalidFields(in body: JSONValue) -> [String] {
        var invalid: [String] = []
        func require(_ value: JSONValue?, in allowed: Set<String>, _ path: String) {
            guard case .string(let text) = value, allowed.contains(text) else { return invalid.append(path) }
        }
        func requireText(_ value: JSONValue?, _ path: String) {
            if value?.isNonEmptyString != true { invalid.append(path) }
        }
        require(body["labelResponseOptions"], in: labelResponseOptions, "labelResponseOptions")
        guard let shipment = body["requestedShipment"], shipment.objectValue != nil else { return invalid + ["requestedShipment"] }
        let path = "requestedShipment"
        party(shipment["shipper"], "\(path).shipper", into: &invalid)
        let recipients = shipment["recipients"]?.arrayValue ?? []
        if recipients.isEmpty { invalid.append("\(path).recipients") }
        for (index, recipient) in recipients.enumerated() { party(recipient, "\(path).recipients[\(index)]", into: &invalid) }
        require(shipment["pickupType"], in: pickupTypes, "\(path).pickupType")
        requireText(shipment["serviceType"], "\(path).serviceType")
        requireText(shipment["packagingType"], "\(path).packagingType")
        require(shipment["shippingChargesPayment"]?["paymentType"], in: paymentTypes, "\(path).shippingChargesPayment.paymentType")
        require(shipment["labelSpecification"]?["imageType"], in: imageTypes, "\(path).labelSpecification.imageType")
        require(shipment["labelSpecification"]?["labelStockType"], in: labelStockTypes, "\(path).labelSpecification.labelStockType")
        if shipment["totalWeight"]?.isNumber != true { invalid.append("\(path).totalWeight") }
        let packages = shipment["requestedPackageLineItems"]?.arrayValue ?? []
        if packages.isEmpty { invalid.append("\(path).requestedPackageLineItems") }
        for (index, package) in packages.enumerated() {
            let item = "\(path).requestedPackageLineItems[\(index)]"
            require(package["weight"]?["units"], in: weightUnits, "\(item).weight.units")
            if package["weight"]?["value"]?.isNumber != true { invalid.append("\(item).weight.value") }
            for (number, reference) in (package["customerReferences"]?.arrayValue ?? []).enumerated() {
                require(reference["customerReferenceType"], in: customerReferenceTypes, "\(item).customerReferences[\(number)].customerReferenceType")
                requireText(reference["value"], "\(item).customerReferences[\(number)].value")
            }
        }
        return invalid
    }

    private static func party(_ party: JSONValue?, _ path: String, into invalid: inout [String]) {
        guard let party, party.objectValue != nil else { return invalid.append(path) }
        let lines = party["address"]?["streetLines"]?.arrayValue ?? []
        if lines.isEmpty || !lines.allSatisfy(\.isNonEmptyString) { invalid.append("\(path).address.streetLines") }
        guard case .string(let city) = party["address"]?["city"], (1...35).contains(city.count) else { return invalid.append("\(path).address.city") }
        if party["address"]?["countryCode"]?.isNonEmptyString != true { invalid.append("\(path).address.countryCode") }
        if party["contact"]?["phoneNumber"]?.isNonEmptyString != true { invalid.append("\(path).contact.phoneNumber") }
    }
}
