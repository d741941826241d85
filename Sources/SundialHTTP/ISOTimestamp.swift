import Foundation

/// ISO 8601 timestamps as webhook feeds write them, with or without fractional seconds
/// (`2026-11-26T09:15:00Z`, `2026-11-26T04:15:00.250-05:00`). Exists because
/// `ISO8601DateFormatter` takes one form at a time and the feeds send both.
enum ISOTimestamp {
    static func parse(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
