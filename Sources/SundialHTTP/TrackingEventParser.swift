import Foundation
import Workflows

/// Reads a carrier webhook body in the normalised wire format every carrier feed is translated
/// to (the sandbox sends it as is) into the order workflow's ``TrackingEvent``, naming every bad
/// field at once: unknown status, missing field, a carrier other than the URL's.
enum TrackingEventParser {
    static let carriers = ["fedex", "ups", "usps"]
    static let statuses = ["in_transit", "out_for_delivery", "delivered", "exception"]

    /// Open: members not listed are ignored, as carrier feeds grow fields.
    static let shape: JSONShape = .record([
        "event_id": .required(.string),
        "carrier": .required(.oneOf(carriers)),
        "tracking_number": .required(.string),
        "status": .required(.oneOf(statuses)),
        "location": .optional(.string),
        "occurred_at": .required(.timestamp),
        "description": .optional(.string),
    ])

    enum Parsed {
        case valid(TrackingEvent)
        /// Problems by field; never empty.
        case invalid([String: String])
    }

    /// Checks a parsed body against the wire format and the carrier of the URL.
    static func parse(_ document: JSONValue, carrier: String) -> Parsed {
        var problems = shape.check(document).problems
        func text(_ key: String) -> String { document[key]?.stringValue ?? "" }
        if problems["event_id"] == nil, text("event_id").isEmpty || text("event_id").count > 150 {
            problems["event_id"] = "must be 1 to 150 characters"
        }
        if problems["tracking_number"] == nil, text("tracking_number").isEmpty || text("tracking_number").count > 64 {
            problems["tracking_number"] = "must be 1 to 64 characters"
        }
        if problems["carrier"] == nil, text("carrier") != carrier {
            problems["carrier"] = "must be \(carrier), the carrier of the URL"
        }
        for key in ["location", "description"] where problems[key] == nil && text(key).count > 500 {
            problems[key] = "must be at most 500 characters"
        }
        guard problems.isEmpty, let occurredAt = ISOTimestamp.parse(text("occurred_at")) else {
            return .invalid(problems.isEmpty ? ["occurred_at": "must be an ISO 8601 date and time"] : problems)
        }
        return .valid(TrackingEvent(
            eventID: text("event_id"), carrier: carrier, trackingNumber: text("tracking_number"), status: text("status"),
            location: document["location"]?.stringValue, occurredAt: occurredAt,
            description: document["description"]?.stringValue))
    }

    /// The signal id of an event: a carrier's event ids are unique only within that carrier.
    static func signalID(of event: TrackingEvent) -> String { "\(event.carrier):\(event.eventID)" }
}
