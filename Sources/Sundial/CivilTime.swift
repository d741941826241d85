import Foundation

/// A wall-clock minute in the proleptic Gregorian calendar, with no time zone attached.
///
/// Cron fields describe local wall-clock time, so the search for the next slot runs over civil
/// minutes; only the result is turned into an instant (see ``Schedule``). The arithmetic here is
/// plain integer math: no `Calendar`, no allocation.
struct CivilMinute: Sendable, Hashable, Comparable {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int

    static func < (a: CivilMinute, b: CivilMinute) -> Bool {
        (a.year, a.month, a.day, a.hour, a.minute) < (b.year, b.month, b.day, b.hour, b.minute)
    }

    /// The civil minute containing `seconds` (seconds of wall-clock time since 1970-01-01 00:00).
    init(civilSeconds seconds: Int) {
        let days = Civil.floorDiv(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (y, m, d) = Civil.date(fromDays: days)
        self.init(year: y, month: m, day: d, hour: secondOfDay / 3600, minute: (secondOfDay % 3600) / 60)
    }

    init(year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
    }

    /// Seconds of wall-clock time since 1970-01-01 00:00.
    var civilSeconds: Int {
        Civil.days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60
    }

    var weekday: Int { Civil.weekday(days: Civil.days(year: year, month: month, day: day)) }

    /// Moves one minute forward.
    mutating func advanceMinute() {
        minute += 1
        guard minute == 60 else { return }
        minute = 0
        hour += 1
        if hour == 24 { startOfNextDay() }
    }

    /// Moves one minute back.
    mutating func retreatMinute() {
        minute -= 1
        guard minute < 0 else { return }
        minute = 59
        hour -= 1
        if hour < 0 { endOfPreviousDay() }
    }

    /// Moves to the start (00:00) of the next day.
    mutating func startOfNextDay() {
        hour = 0
        minute = 0
        day += 1
        if day > Civil.daysInMonth(year: year, month: month) { startOfNextMonth() }
    }

    /// Moves to the start (day 1, 00:00) of the next month.
    mutating func startOfNextMonth() {
        day = 1
        hour = 0
        minute = 0
        month += 1
        if month > 12 {
            month = 1
            year += 1
        }
    }

    /// Moves to the end (23:59) of the previous day.
    mutating func endOfPreviousDay() {
        hour = 23
        minute = 59
        day -= 1
        if day < 1 { endOfPreviousMonth() }
    }

    /// Moves to the end (last day, 23:59) of the previous month.
    mutating func endOfPreviousMonth() {
        month -= 1
        if month < 1 {
            month = 12
            year -= 1
        }
        day = Civil.daysInMonth(year: year, month: month)
        hour = 23
        minute = 59
    }
}

/// Gregorian calendar arithmetic on day numbers (day 0 = 1970-01-01).
enum Civil {
    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func isLeap(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static let daysBeforeMonth = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]

    /// Days from 1970-01-01 to `year-month-day`.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = year - 1
        let beforeYear = 365 * y + floorDiv(y, 4) - floorDiv(y, 100) + floorDiv(y, 400)
        let beforeMonth = daysBeforeMonth[month - 1] + (month > 2 && isLeap(year) ? 1 : 0)
        // 719_162 days separate 0001-01-01 from 1970-01-01.
        return beforeYear + beforeMonth + day - 1 - 719_162
    }

    /// The civil date of day number `days`.
    static func date(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        var year = 1970 + floorDiv(days * 400, 146_097)
        while Self.days(year: year, month: 1, day: 1) > days { year -= 1 }
        while Self.days(year: year + 1, month: 1, day: 1) <= days { year += 1 }
        var remaining = days - Self.days(year: year, month: 1, day: 1)
        var month = 1
        while remaining >= daysInMonth(year: year, month: month) {
            remaining -= daysInMonth(year: year, month: month)
            month += 1
        }
        return (year, month, remaining + 1)
    }

    /// 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday).
    static func weekday(days: Int) -> Int {
        let r = (days + 4) % 7
        return r < 0 ? r + 7 : r
    }
}
