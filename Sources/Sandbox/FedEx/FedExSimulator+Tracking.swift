import Foundation
import Hummingbird

/// FedEx Track API: by tracking numbers (an unknown number is a 200 with a per-number error) and
/// by customer reference, which is how a client finds a label whose create response it lost.
extension FedExSimulator {
    func trackByNumbers(_ request: Request) async throws -> Response {
        var request = request
        guard let body = try? JSONValue.parse(try await request.bodyBytes()),
            let infos = body["trackingInfo"]?.arrayValue, !infos.isEmpty
        else {
            return FedExError.invalidInput(["trackingInfo"], customerTransactionID: request.header("x-customer-transaction-id"))
        }
        // Required by the document, as a boolean, next to `trackingInfo`.
        guard body["includeDetailedScans"]?.boolValue != nil else {
            return FedExError.invalidInput(["includeDetailedScans"], customerTransactionID: request.header("x-customer-transaction-id"))
        }
        guard infos.count <= 30 else {
            return FedExError.response(status: .badRequest, code: "TRACKING.TRACKINGNUMBERS.LIMITEXCEEDED", message: "Please limit your request to 30 tracking numbers.")
        }
        let results: [JSONValue] = infos.map { info in
            let number = info["trackingNumberInfo"]?["trackingNumber"]?.stringValue ?? ""
            guard let label = labels.label(number), label.carrier == .fedex else {
                return [
                    "trackingNumber": .string(number),
                    "trackResults": [
                        [
                            // No carrierCode: the document enumerates it, and "" is not among the values.
                            "trackingNumberInfo": ["trackingNumber": .string(number)],
                            "error": [
                                "code": "TRACKING.TRACKINGNUMBER.NOTFOUND",
                                "message": "Tracking number cannot be found. Please correct the tracking number and try again.",
                            ],
                        ]
                    ],
                ]
            }
            return ["trackingNumber": .string(number), "trackResults": [trackResult(label, number: number)]]
        }
        return trackResponse(results)
    }

    /// Track by reference: `referencesInformation` with `value`, `shipDateBegin` and
    /// `shipDateEndDate` (`YYYY-MM-DD`), all three required by `Full_Schema_Tracking_References`.
    /// Only labels whose ship date (the day they were bought, sandbox clock) falls in that window
    /// are found. A `shipDateEnd` (the name the schema's own example uses) may come along; only the
    /// required `shipDateEndDate` is read.
    func trackByReference(_ request: Request) async throws -> Response {
        var request = request
        let transactionID = request.header("x-customer-transaction-id")
        guard let body = try? JSONValue.parse(try await request.bodyBytes()), let information = body["referencesInformation"] else {
            return FedExError.invalidInput(["referencesInformation"], customerTransactionID: transactionID)
        }
        var missing: [String] = []
        let reference = information["value"]?.stringValue ?? ""
        if reference.isEmpty { missing.append("referencesInformation.value") }
        let begin = information["shipDateBegin"]?.stringValue.flatMap(Self.day)
        let end = information["shipDateEndDate"]?.stringValue.flatMap(Self.day)
        if begin == nil { missing.append("referencesInformation.shipDateBegin") }
        if end == nil { missing.append("referencesInformation.shipDateEndDate") }
        if let scans = body["includeDetailedScans"], scans.boolValue == nil { missing.append("includeDetailedScans") }
        guard missing.isEmpty, let begin, let end else { return FedExError.invalidInput(missing, customerTransactionID: transactionID) }
        let found = labels.labels(carrier: .fedex, reference: reference, now: clock.now, lag: configuration.referenceLookupLagSeconds).filter { label in
            let shipped = clock.day(label.createdAt)
            return begin <= shipped && shipped <= end
        }
        guard !found.isEmpty else {
            return trackResponse([
                [
                    "trackingNumber": "",
                    "trackResults": [
                        [
                            "error": [
                                "code": "TRACKING.REFERENCENUMBER.NOTFOUND",
                                "message": "Reference number cannot be found. Please correct the reference number and try again.",
                            ]
                        ]
                    ],
                ]
            ])
        }
        return trackResponse(
            found.map { label in
                ["trackingNumber": .string(label.trackingNumber), "trackResults": [trackResult(label, number: label.trackingNumber)]]
            }
        )
    }

    /// `text` when it is a `YYYY-MM-DD` date (so it orders like the day it names), else `nil`.
    static func day(_ text: String) -> String? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.map(\.count) == [4, 2, 2], parts.allSatisfy({ $0.allSatisfy(\.isNumber) }) else { return nil }
        return text
    }

    private func trackResponse(_ results: [JSONValue]) -> Response {
        .json(["transactionId": .string(RandomIDs.uuid()), "output": ["completeTrackResults": .array(results)]])
    }

    private func trackResult(_ label: ShippingLabel, number: String) -> JSONValue {
        let current = Self.statusDetail(label)
        var events: [JSONValue] = []
        let reached = label.voided ? [TrackingStatus.labelCreated] : TrackingStatus.allCases.filter { Self.rank($0) <= Self.rank(label.status) && ($0 != .exception || label.status == .exception) }
        for status in reached.reversed() {
            let detail = Self.detail(status)
            events.append([
                "date": .string(clock.iso8601(status == .labelCreated ? label.createdAt : label.statusChangedAt, fractional: false)),
                "eventType": .string(detail.code),
                "eventDescription": .string(detail.description),
                "derivedStatusCode": .string(detail.code),
                "derivedStatus": .string(detail.locale),
            ])
        }
        var dates: [JSONValue] = [["type": "SHIP", "dateTime": .string(clock.iso8601(label.createdAt, fractional: false))]]
        if label.status == .delivered, !label.voided {
            dates.append(["type": "ACTUAL_DELIVERY", "dateTime": .string(clock.iso8601(label.statusChangedAt, fractional: false))])
        }
        return [
            "trackingNumberInfo": ["trackingNumber": .string(number), "trackingNumberUniqueId": .string("12029~\(number)~FDEG"), "carrierCode": "FDXG"],
            "additionalTrackingInfo": ["packageIdentifiers": [["type": "CUSTOMER_REFERENCE", "values": .array(label.reference.map { [.string($0)] } ?? [])]]],
            "latestStatusDetail": [
                "code": .string(current.code),
                "derivedCode": .string(current.code),
                "statusByLocale": .string(current.locale),
                "description": .string(current.description),
            ],
            "dateAndTimes": .array(dates),
            "scanEvents": .array(events),
            "serviceDetail": ["type": .string(label.service)],
        ]
    }

    private static func rank(_ status: TrackingStatus) -> Int {
        TrackingStatus.allCases.firstIndex(of: status) ?? 0
    }

    private static func statusDetail(_ label: ShippingLabel) -> (code: String, locale: String, description: String) {
        // Sandbox choice for a cancelled label: FedEx's "CA" (shipment cancelled) code.
        label.voided ? ("CA", "Cancelled", "Shipment cancelled by sender") : detail(label.status)
    }

    private static func detail(_ status: TrackingStatus) -> (code: String, locale: String, description: String) {
        switch status {
        case .labelCreated: return ("IN", "Label created", "Shipment information sent to FedEx")
        case .pickedUp: return ("PU", "Picked up", "Picked up")
        case .inTransit: return ("IT", "In transit", "In transit")
        case .outForDelivery: return ("OD", "On FedEx vehicle for delivery", "On FedEx vehicle for delivery")
        case .delivered: return ("DL", "Delivered", "Delivered")
        case .exception: return ("DE", "Delivery exception", "Delivery exception")
        }
    }
}
