import Foundation
import Hummingbird

/// The checks UPS's Shipping API makes on a `ShipmentRequest` before it sells a label, as its
/// document (`Shipping.yaml`, `v2409`) states them: the required fields, the string lengths
/// (`Name` 1–35, `AddressLine` at most 3 lines of 1–35, `City` 1–30, `PostalCode` 1–9,
/// `ShipperNumber` 6, `Service.Code` 2, `PackageWeight.Weight` 1–5, reference `Value` 1–35), and
/// the reference rule: a shipment-level `ReferenceNumber` is valid only when the origin/destination
/// pair is not US/US or PR/PR, and UPS refuses it otherwise with error 120541. Exists so a client
/// that the sandbox accepts would also be accepted by UPS.
///
/// Where the schema declares an array (`Package`, `ShipmentCharge`, `AddressLine`,
/// `ReferenceNumber`) a single object or string is accepted too: every one of UPS's own request
/// examples sends that form, so the real API takes it (clients should still send arrays).
enum UPSShipmentRules {
    /// Country pairs for which the reference number must sit on the package.
    static let packageReferencePairs: Set<String> = ["US/US", "PR/PR"]

    /// The 400 to answer `ShipmentRequest` with, or `nil` when it may buy a label.
    static func problem(in shipmentRequest: JSONValue) -> Response? {
        guard let option = shipmentRequest["Request"]?["RequestOption"], option.isNonEmptyString else {
            return UPSError.missing("Request.RequestOption")
        }
        if let problem = text(option, "Request.RequestOption", 1...15) { return problem }
        guard let shipment = shipmentRequest["Shipment"] else { return UPSError.missing("Shipment") }
        if let problem = text(shipment["Shipper"]?["ShipperNumber"], "Shipment.Shipper.ShipperNumber", 6...6) { return problem }
        for side in ["Shipper", "ShipTo"] {
            if let problem = party(shipment[side], "Shipment.\(side)") { return problem }
        }
        let charges = (shipment["PaymentInformation"]?["ShipmentCharge"] ?? .null).asList
        guard !charges.isEmpty else { return UPSError.missing("Shipment.PaymentInformation.ShipmentCharge") }
        for charge in charges {
            if let problem = text(charge["Type"], "Shipment.PaymentInformation.ShipmentCharge.Type", 2...2) { return problem }
        }
        if let problem = text(shipment["Service"]?["Code"], "Shipment.Service.Code", 2...2) { return problem }
        let packages = (shipment["Package"] ?? .null).asList
        guard !packages.isEmpty else { return UPSError.missing("Shipment.Package") }
        for package in packages {
            if let problem = self.package(package) { return problem }
        }
        if let problem = references(shipment["ReferenceNumber"], "Shipment.ReferenceNumber") { return problem }
        if shipment["ReferenceNumber"] != nil, packageReferencePairs.contains(countryPair(shipment)) {
            return UPSError.response(
                status: .badRequest, code: "120541",
                message: "Shipment level reference numbers are not valid for \(countryPair(shipment)) shipments; send Package ReferenceNumber instead."
            )
        }
        if let specification = shipmentRequest["LabelSpecification"] {
            if let problem = text(specification["LabelImageFormat"]?["Code"], "LabelSpecification.LabelImageFormat.Code", 1...4) { return problem }
            for side in ["Height", "Width"] {
                if let problem = text(specification["LabelStockSize"]?[side], "LabelSpecification.LabelStockSize.\(side)", 1...3) { return problem }
            }
        }
        return nil
    }

    /// `origin/destination` country codes: the ship-from address (the shipper's when absent) and
    /// the ship-to address.
    static func countryPair(_ shipment: JSONValue) -> String {
        let origin = (shipment["ShipFrom"] ?? shipment["Shipper"])?["Address"]?["CountryCode"]?.stringValue ?? ""
        let destination = shipment["ShipTo"]?["Address"]?["CountryCode"]?.stringValue ?? ""
        return "\(origin.uppercased())/\(destination.uppercased())"
    }

    private static func party(_ party: JSONValue?, _ path: String) -> Response? {
        guard let party else { return UPSError.missing(path) }
        if let problem = text(party["Name"], "\(path).Name", 1...35) { return problem }
        if let attention = party["AttentionName"], let problem = text(attention, "\(path).AttentionName", 1...35) { return problem }
        if let phone = party["Phone"], let problem = text(phone["Number"], "\(path).Phone.Number", 1...15) { return problem }
        guard let address = party["Address"] else { return UPSError.missing("\(path).Address") }
        let lines = (address["AddressLine"] ?? .null).asList
        guard (1...3).contains(lines.count) else { return UPSError.missing("\(path).Address.AddressLine (1 to 3 lines)") }
        for line in lines {
            if let problem = text(line, "\(path).Address.AddressLine", 1...35) { return problem }
        }
        if let problem = text(address["City"], "\(path).Address.City", 1...30) { return problem }
        if let problem = text(address["CountryCode"], "\(path).Address.CountryCode", 2...2) { return problem }
        if let state = address["StateProvinceCode"], let problem = text(state, "\(path).Address.StateProvinceCode", 1...5) { return problem }
        if let postal = address["PostalCode"], let problem = text(postal, "\(path).Address.PostalCode", 1...9) { return problem }
        return nil
    }

    private static func package(_ package: JSONValue) -> Response? {
        if let problem = text(package["Packaging"]?["Code"], "Shipment.Package.Packaging.Code", 2...2) { return problem }
        guard let weight = package["PackageWeight"] else { return UPSError.missing("Shipment.Package.PackageWeight") }
        if let problem = text(weight["UnitOfMeasurement"]?["Code"], "Shipment.Package.PackageWeight.UnitOfMeasurement.Code", 1...3) { return problem }
        if let problem = text(weight["Weight"], "Shipment.Package.PackageWeight.Weight", 1...5) { return problem }
        guard let pounds = weight["Weight"]?.decimalValue, pounds > 0 else {
            return UPSError.missing("Shipment.Package.PackageWeight.Weight (a positive number)")
        }
        return references(package["ReferenceNumber"], "Shipment.Package.ReferenceNumber")
    }

    private static func references(_ value: JSONValue?, _ path: String) -> Response? {
        for reference in (value ?? .null).asList {
            if let problem = text(reference["Value"], "\(path).Value", 1...35) { return problem }
        }
        return nil
    }

    /// A 400 unless `value` is a string of a length in `length` (UPS sends and takes every field
    /// here, weights included, as a string).
    private static func text(_ value: JSONValue?, _ path: String, _ length: ClosedRange<Int>) -> Response? {
        guard case .string(let text) = value, length.contains(text.count) else {
            let size = length.lowerBound == length.upperBound ? "\(length.lowerBound)" : "\(length.lowerBound) to \(length.upperBound)"
            return UPSError.missing("\(path) (a string of \(size) characters)")
        }
        return nil
    }
}
