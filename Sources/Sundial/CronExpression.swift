import Foundation

/// A parsed 5-field cron expression: `minute hour day-of-month month day-of-week`.
///
/// Schedules are declared in the familiar crontab syntax, so they are parsed once, up front,
/// into one bit set per field; matching a calendar day or time is then a few bit tests.
/// Supported: `*`, lists `a,b`, ranges `a-b`, steps `*/n` and `a-b/n`, month names `JAN`-`DEC`,
/// weekday names `SUN`-`SAT` (case-insensitive), day-of-week `0`-`7` (both 0 and 7 are Sunday),
/// and the macros `@hourly`, `@daily`, `@midnight`, `@weekly`, `@monthly`, `@yearly`, `@annually`.
///
/// Day rule (as in classic cron): when both day-of-month and day-of-week are restricted, a day
/// matches if EITHER matches; otherwise both must match. As in Vixie cron, a day field that
/// starts with `*` (so `*` and `*/n`) counts as unrestricted for this rule.
///
/// The expression knows nothing about time zones; see ``Schedule`` for that.
public struct CronExpression: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The text as written (trimmed), macros included.
    public let text: String
    let minuteBits: UInt64
    let hourBits: UInt64
    let dayOfMonthBits: UInt64
    let monthBits: UInt64
    /// Sunday is bit 0 (a 7 in the text is folded into 0).
    let dayOfWeekBits: UInt64
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool

    /// Parses `text`; throws a ``CronError`` naming the field and the bad token.
    public init(_ text: String) throws(CronError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var source = trimmed
        if trimmed.hasPrefix("@") {
            guard let expansion = Self.macros[trimmed.lowercased()] else {
                throw CronError(field: "expression", "unknown macro \(trimmed) (use @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually)")
            }
            source = expansion
        }
        let fields = source.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw CronError(field: "expression", "expected 5 fields (minute hour day-of-month month day-of-week), got \(fields.count) in \"\(trimmed)\"")
        }
        self.text = trimmed
        minuteBits = try FieldSpec.minute.parse(fields[0])
        hourBits = try FieldSpec.hour.parse(fields[1])
        dayOfMonthBits = try FieldSpec.dayOfMonth.parse(fields[2])
        monthBits = try FieldSpec.month.parse(fields[3])
        var weekdays = try FieldSpec.dayOfWeek.parse(fields[4])
        if weekdays & (1 << 7) != 0 { weekdays = (weekdays | 1) & ~(UInt64(1) << 7) }
        dayOfWeekBits = weekdays
        dayOfMonthRestricted = !fields[2].hasPrefix("*")
        dayOfWeekRestricted = !fields[4].hasPrefix("*")
    }

    private static let macros: [String: String] = [
        "@hourly": "0 * * * *",
        "@daily": "0 0 * * *",
        "@midnight": "0 0 * * *",
        "@weekly": "0 0 * * 0",
        "@monthly": "0 0 1 * *",
        "@yearly": "0 0 1 1 *",
        "@annually": "0 0 1 1 *",
    ]

    // MARK: Inspection

    /// Matching minutes, ascending (0-59).
    public var minutes: [Int] { Self.values(minuteBits) }
    /// Matching hours, ascending (0-23).
    public var hours: [Int] { Self.values(hourBits) }
    /// Matching days of the month, ascending (1-31).
    public var daysOfMonth: [Int] { Self.values(dayOfMonthBits) }
    /// Matching months, ascending (1-12).
    public var months: [Int] { Self.values(monthBits) }
    /// Matching weekdays, ascending (0 = Sunday ... 6 = Saturday).
    public var daysOfWeek: [Int] { Self.values(dayOfWeekBits) }

    public var description: String { text }

    private static func values(_ bits: UInt64) -> [Int] {
        (0..<64).filter { bits & (UInt64(1) << $0) != 0 }
    }

    // MARK: Matching (used by Schedule)

    /// Whether the civil day `year-month-day` (falling on `weekday`, 0 = Sunday) matches the
    /// day-of-month, month and day-of-week fields.
    func matchesDay(year: Int, month: Int, day: Int, weekday: Int) -> Bool {
        guard Self.has(monthBits, month) else { return false }
        let byDayOfMonth = Self.has(dayOfMonthBits, day)
        let byDayOfWeek = Self.has(dayOfWeekBits, weekday)
        if dayOfMonthRestricted && dayOfWeekRestricted { return byDayOfMonth || byDayOfWeek }
        return byDayOfMonth && byDayOfWeek
    }

    static func has(_ bits: UInt64, _ value: Int) -> Bool {
        value >= 0 && value < 64 && bits & (UInt64(1) << value) != 0
    }

    /// The smallest set value `>= value`, if any.
    static func next(_ bits: UInt64, atLeast value: Int) -> Int? {
        guard value < 64 else { return nil }
        let masked = bits & (UInt64.max << max(value, 0))
        return masked == 0 ? nil : masked.trailingZeroBitCount
    }

    /// The largest set value `<= value`, if any.
    static func previous(_ bits: UInt64, atMost value: Int) -> Int? {
        guard value >= 0 else { return nil }
        let masked = value >= 63 ? bits : bits & ((UInt64(1) << (value + 1)) - 1)
        return masked == 0 ? nil : 63 - masked.leadingZeroBitCount
    }

    // MARK: Codable (a single string, the text)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

/// The bounds and names of one cron field, and the parser of its text into a bit set.
struct FieldSpec: Sendable {
    let name: String
    let min: Int
    let max: Int
    /// The range `*` stands for (day-of-week: 0-6, although 7 is accepted as Sunday).
    let starMax: Int
    let names: [String: Int]

    static let minute = FieldSpec(name: "minute", min: 0, max: 59, starMax: 59, names: [:])
    static let hour = FieldSpec(name: "hour", min: 0, max: 23, starMax: 23, names: [:])
    static let dayOfMonth = FieldSpec(name: "day-of-month", min: 1, max: 31, starMax: 31, names: [:])
    static let month = FieldSpec(
        name: "month", min: 1, max: 12, starMax: 12,
        names: ["JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6,
                "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12]
    )
    static let dayOfWeek = FieldSpec(
        name: "day-of-week", min: 0, max: 7, starMax: 6,
        names: ["SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6]
    )

    func parse(_ field: String) throws(CronError) -> UInt64 {
        var bits: UInt64 = 0
        for element in field.split(separator: ",", omittingEmptySubsequences: false) {
            bits |= try parseElement(String(element), field: field)
        }
        return bits
    }

    private func fail(_ reason: String) -> CronError { CronError(field: name, reason) }

    private func parseElement(_ element: String, field: String) throws(CronError) -> UInt64 {
        guard !element.isEmpty else { throw fail("empty list element in \"\(field)\"") }
        let parts = element.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2 else { throw fail("\(element) has more than one step") }
        var step = 1
        if parts.count == 2 {
            guard let value = Self.number(parts[1]) else {
                throw fail("step \(parts[1].isEmpty ? "(empty)" : parts[1]) in \(element) is not a number")
            }
            guard value >= 1 else { throw fail("step \(parts[1]) in \(element) must be at least 1") }
            step = value
        }
        let base = parts[0]
        let low: Int
        let high: Int
        if base == "*" {
            low = min
            high = starMax
        } else if base.contains("-") {
            let ends = base.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard ends.count == 2, !ends[0].isEmpty, !ends[1].isEmpty else {
                throw fail("\(base) is not a valid range")
            }
            low = try value(ends[0])
            high = try value(ends[1])
            guard low <= high else { throw fail("\(base) is a reversed range (\(low) > \(high))") }
        } else {
            guard parts.count == 1 else {
                throw fail("\(element) has a step without a range (write \(base)-\(max)/\(parts[1]) or */\(parts[1]))")
            }
            low = try value(base)
            high = low
        }
        var bits: UInt64 = 0
        for v in stride(from: low, through: high, by: step) { bits |= UInt64(1) << v }
        return bits
    }

    private func value(_ token: String) throws(CronError) -> Int {
        if let named = names[token.uppercased()] { return named }
        guard let value = Self.number(token) else {
            if names.isEmpty { throw fail("\(token) is not a number") }
            throw fail("\(token) is not a number or a \(name == "month" ? "month name (JAN-DEC)" : "weekday name (SUN-SAT)")")
        }
        guard value >= min && value <= max else { throw fail("\(token) is out of range \(min)-\(max)") }
        return value
    }

    /// A non-negative decimal number (digits only), or nil. Absurdly long numbers become
    /// `Int.max` so that they are reported as out of range rather than overflowing.
    private static func number(_ token: String) -> Int? {
        guard !token.isEmpty, token.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(token) ?? Int.max
    }
}
