import Foundation

/// One carrier tracking update in the normalised wire format every carrier feed is translated
/// to (the sandbox sends it as is), and the payload of the `tracking` signal the order workflow
/// receives. ``parse(_:carrier:)`` names every bad field at once.
public struct TrackingEvent: Codable, Sendable, Equatable {
    public static let signalName = "tracking"
    public static let carriers = ["fedex", "ups", "usps"]
    public static let statuses = ["in_transit", "out_for_delivery", "delivered", "exception"]

    public var eventID: String
    public var carrier: String
    public var trackingNumber: String
    /// `in_transit`, `out_for_delivery`, `delivered` or `exception`.
    public var status: String
    public var location: String?
    public var occurredAt: Date
    public var description: String?

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id", carrier, trackingNumber = "tracking_number", status, location
        case occurredAt = "occurred_at", description
    }

    public init(eventID: String, carrier: String, trackingNumber: String, status: String, location: String?,
                occurredAt: Date, description: String?) {
        self.eventID = eventID
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.status = status
        self.location = location
        self.occurredAt = occurredAt
        self.description = description
    }

    /// The signal id: a carrier's event ids are unique only within that carrier.
    public var signalID: String { "\(carrier):\(eventID)" }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(eventID, forKey: .eventID)
        try container.encode(carrier, forKey: .carrier)
        try container.encode(trackingNumber, forKey: .trackingNumber)
        try container.encode(status, forKey: .status)
        try container.encode(location, forKey: .location)  // null rather than absent
        try container.encode(occurredAt, forKey: .occurredAt)
        try container.encode(description, forKey: .description)
    }

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
}
