import Foundation

/// The sandbox's notion of "now". Token expiry, idempotency-key pruning, the USPS hourly quota and
/// webhook timestamp tolerance all read it, so a test can move time instead of waiting.
public struct SandboxClock: Sendable {
    private let read: @Sendable () -> Date

    public init(_ read: @escaping @Sendable () -> Date) {
        self.read = read
    }

    /// Wall-clock time.
    public static let system = SandboxClock { Date() }

    public var now: Date { read() }

    var unixSeconds: Int { Int(now.timeIntervalSince1970) }

    var unixMilliseconds: Int { Int(now.timeIntervalSince1970 * 1000) }

    /// `2026-01-31T17:04:05.123Z`-style stamps in UTC, as QuickBooks and the carriers print them.
    func iso8601(_ date: Date? = nil, fractional: Bool = true) -> String {
        let style = Date.ISO8601FormatStyle(timeZoneSeparator: .colon, includingFractionalSeconds: fractional, timeZone: TimeZone(identifier: "UTC")!)
        return (date ?? now).formatted(style)
    }

    /// `yyyy-MM-dd` in UTC.
    func day(_ date: Date? = nil) -> String {
        let style = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!).year().month().day()
        return (date ?? now).formatted(style)
    }
}
