import Foundation

/// Parses an ISO 8601 timestamp with offset (e.g. `2026-03-08T03:00:00-04:00`) for expected values.
func iso(_ text: String) throws -> Date {
    try Date(text, strategy: .iso8601)
}

/// Parses several ISO 8601 timestamps.
func isos(_ texts: [String]) throws -> [Date] {
    try texts.map(iso)
}
