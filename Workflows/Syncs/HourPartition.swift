import Foundation

/// The hour a warehouse row belongs to, in UTC, as a Hive-style folder
/// (`dt=2026-11-26/hour=09`) that BigQuery reads as partition columns. Rows are partitioned by
/// their own time (an event's, an order's end), not by when the export ran.
struct HourPartition: Hashable, Comparable {
    var day: String
    var hour: String

    init(_ date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour], from: date)
        day = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
        hour = String(format: "%02d", parts.hour ?? 0)
    }

    var folder: String { "dt=\(day)/hour=\(hour)" }

    static func < (lhs: HourPartition, rhs: HourPartition) -> Bool { (lhs.day, lhs.hour) < (rhs.day, rhs.hour) }
}
