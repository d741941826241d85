import Foundation

// Request bodies for the simulated carriers, shaped as the vendors' documents declare them.

/// A FedEx shipment the Ship API accepts (`packages` line items), under the customer reference `reference`.
func fedexShipment(reference: String, packages: Int = 1) -> [String: Any] {
    let address: [String: Any] = ["streetLines": ["1 Main St"], "city": "Memphis", "stateOrProvinceCode": "TN", "postalCode": "38116", "countryCode": "US"]
    return [
        "accountNumber": ["value": "740561073"],
        "labelResponseOptions": "LABEL",
        "requestedShipment": [
            "shipper": ["address": address, "contact": ["personName": "SunStyle", "phoneNumber": "9015551234"]],
            "recipients": [["address": address, "contact": ["personName": "Customer", "phoneNumber": "9015550000"]]],
            "pickupType": "DROPOFF_AT_FEDEX_LOCATION",
            "serviceType": "FEDEX_GROUND",
            "packagingType": "YOUR_PACKAGING",
            "shippingChargesPayment": ["paymentType": "SENDER"],
            "labelSpecification": ["imageType": "PDF", "labelStockType": "PAPER_4X6"],
            "totalWeight": 2.5,
            "requestedPackageLineItems": Array(
                repeating: [
                    "weight": ["units": "LB", "value": 2.5],
                    "customerReferences": [["customerReferenceType": "CUSTOMER_REFERENCE", "value": reference]],
                ] as [String: Any],
                count: packages
            ),
        ] as [String: Any],
    ]
}

/// A UPS `ShipmentRequest` as the Shipping document declares it (arrays where it declares arrays),
/// from `origin` to `destination` countries, with `reference` on every package, or at shipment
/// level when `shipmentLevelReference` is set.
func upsShipment(
    packages: Int = 1, reference: String, origin: String = "US", destination: String = "US", shipmentLevelReference: Bool = false, weight: String = "5"
) -> [String: Any] {
    func address(_ country: String) -> [String: Any] {
        ["AddressLine": ["1 Peachtree"], "City": "Atlanta", "StateProvinceCode": "GA", "PostalCode": "30005", "CountryCode": country]
    }
    var package: [String: Any] = ["Packaging": ["Code": "02"], "PackageWeight": ["UnitOfMeasurement": ["Code": "LBS"], "Weight": weight]]
    var shipment: [String: Any] = [
        "Shipper": ["Name": "SunStyle", "ShipperNumber": "A1B2C3", "Address": address(origin)],
        "ShipTo": ["Name": "Customer", "Address": address(destination)],
        "PaymentInformation": ["ShipmentCharge": [["Type": "01", "BillShipper": ["AccountNumber": "A1B2C3"]]]],
        "Service": ["Code": "03"],
    ]
    if shipmentLevelReference {
        shipment["ReferenceNumber"] = [["Value": reference]]
    } else {
        package["ReferenceNumber"] = [["Value": reference]]
    }
    shipment["Package"] = Array(repeating: package, count: packages)
    return [
        "ShipmentRequest": [
            "Request": ["RequestOption": "nonvalidate", "TransactionReference": ["CustomerContext": reference]],
            "Shipment": shipment,
            "LabelSpecification": ["LabelImageFormat": ["Code": "GIF"], "LabelStockSize": ["Height": "6", "Width": "4"]],
        ] as [String: Any]
    ]
}

/// A FedEx track-by-reference body for `reference`, searching ship dates `begin`…`end`
/// (`YYYY-MM-DD`; yesterday to tomorrow by default).
func fedexReferenceSearch(_ reference: String, begin: String? = nil, end: String? = nil) -> [String: Any] {
    func day(_ offset: TimeInterval) -> String {
        Date().addingTimeInterval(offset * 86_400).formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!).year().month().day())
    }
    return [
        "includeDetailedScans": false,
        "referencesInformation": [
            "type": "CUSTOMER_REFERENCE", "value": reference, "accountNumber": "740561073",
            "shipDateBegin": begin ?? day(-1), "shipDateEndDate": end ?? day(1),
        ],
    ]
}
