import Foundation
import Sundial

/// The store's wall clock (SunStyle trades on `America/Chicago` time by default): which business
/// date an instant belongs to, where a business date starts and ends, and when its batch is due.
/// Exists so every batch reads "the orders of 2026-11-25" and "by midnight" the same way,
/// across daylight-saving changes.
public struct StoreCalendar: Sendable, Equatable {
    /// The default store time zone (`SUNDIAL_STORE_TIME_ZONE` overrides it).
    public static let defaultTimeZone = "America/Chicago"

    public let timeZoneIdentifier: String
    private let calendar: Calendar

    /// Throws ``InputError`` naming `time_zone` when the identifier is not an IANA zone.
    public init(timeZone identifier: String = StoreCalendar.defaultTimeZone) throws {
        guard let zone = TimeZone(identifier: identifier) else {
            throw InputError(["time_zone": "'\(identifier)' is not a known IANA time zone"])
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
        self.timeZoneIdentifier = identifier
    }

    public static func == (lhs: StoreCalendar, rhs: StoreCalendar) -> Bool { lhs.timeZoneIdentifier == rhs.timeZoneIdentifier }

    /// `YYYY-MM-DD` of `instant` on the store's wall clock.
    public func businessDate(of instant: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// Local midnight starting `date` and local midnight starting the next day: the business
    /// day as `[start, end)`. Nil when `date` is not a `YYYY-MM-DD` calendar date.
    public func bounds(of date: String) -> (start: Date, end: Date)? {
        guard let start = startOfDay(date), let end = calendar.date(byAdding: .day, value: 1, to: start) else { return nil }
        return (start, calendar.startOfDay(for: end))
    }

    /// When the batch of `date` must be complete: midnight store time at the end of it.
    public func deadline(of date: String) -> Date? { bounds(of: date)?.end }

    /// The business date `days` after `date` (negative for before).
    public func date(_ date: String, plusDays days: Int) -> String? {
        guard let start = startOfDay(date), let moved = calendar.date(byAdding: .day, value: days, to: start) else { return nil }
        return businessDate(of: moved)
    }

    private func startOfDay(_ date: String) -> Date? {
        let parts = date.split(separator: "-", omittingEmptySubsequences: false)
        guard date.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              parts[0].count == 4, parts[1].count == 2, parts[2].count == 2
        else { return nil }
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        components.hour = 12
        guard let noon = calendar.date(from: components) else { return nil }
        // Refuse dates Calendar silently rolled over (2026-02-30 → 2026-03-02).
        let check = calendar.dateComponents([.year, .month, .day], from: noon)
        guard check.year == year, check.month == month, check.day == day else { return nil }
        return calendar.startOfDay(for: noon)
    }
}
