import Foundation

/// A cron expression evaluated in an IANA time zone: when a recurring workflow should start.
///
/// Schedules are written in local time ("every weekday at 02:00 in Los Angeles"), so the search
/// for the next slot runs over local wall-clock minutes, field by field (month, day, hour,
/// minute), and only a matching local time is turned into an instant. Daylight-saving rules:
///
/// - a local time that does not exist (skipped by a spring-forward transition) fires once, at
///   the first valid local time after it (the end of the gap, e.g. 03:00 for 02:30 in New York
///   on 2026-03-08); several skipped slots collapse into that one instant;
/// - a local time that occurs twice (fall-back) fires once, at its first occurrence; the
///   repeated hour fires nothing the second time round.
///
/// In other words every local wall-clock slot fires exactly once. Stored as the expression text
/// and the time zone identifier.
public struct Schedule: Sendable, Hashable, Codable {
    /// Which local wall-clock minutes are slots.
    public let expression: CronExpression
    /// The zone whose wall clock `expression` reads.
    public let timeZone: TimeZone
    /// The IANA identifier as given (and stored); Foundation may report `timeZone.identifier`
    /// differently, e.g. `GMT` for `UTC`.
    public let timeZoneIdentifier: String

    /// Validates `timeZone` with `TimeZone(identifier:)`; throws ``CronError`` when unknown.
    public init(_ expression: CronExpression, timeZone identifier: String) throws(CronError) {
        guard let zone = TimeZone(identifier: identifier) else {
            throw CronError(field: "time zone", "\(identifier) is not a known IANA time zone identifier")
        }
        self.expression = expression
        self.timeZone = zone
        self.timeZoneIdentifier = identifier
    }

    /// Parses `cron` and validates `timeZone`; throws ``CronError`` for either.
    public init(cron: String, timeZone identifier: String) throws(CronError) {
        try self.init(try CronExpression(cron), timeZone: identifier)
    }

    // MARK: Slots

    /// The first slot strictly after `instant`, or nil when the expression can never fire
    /// (such as `0 0 30 2 *`) or `instant` is beyond year 9000.
    public func nextFire(after instant: Date) -> Date? {
        guard let x = Self.seconds(instant), let t = nextSlot(after: x) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(t))
    }

    /// The last slot at or before `instant`, or nil when there is none.
    public func previousFire(atOrBefore instant: Date) -> Date? {
        guard let x = Self.seconds(instant), let t = previousSlot(atOrBefore: x) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(t))
    }

    /// The earliest slots in `(after, through]`, oldest first, at most `limit` of them.
    public func slots(after start: Date, through end: Date, limit: Int) -> [Date] {
        var result: [Date] = []
        var cursor = start
        while result.count < limit, let slot = nextFire(after: cursor), slot <= end {
            result.append(slot)
            cursor = slot
        }
        return result
    }

    /// The slots to fire at `now`, oldest first, given the last slot that fired and the
    /// schedule's ``MisfirePolicy``. Pure: no clock, no I/O.
    ///
    /// A slot in `(now - grace, now]` is on time and always due. Older slots after `lastFired`
    /// are missed and handled by `policy`. With `lastFired` nil (never fired) nothing counts as
    /// missed. At most 1000 on-time slots are returned.
    public func dueSlots(
        lastFired: Date?, now: Date, policy: MisfirePolicy, grace: Duration = .seconds(60)
    ) -> [Date] {
        let onTimeAfter = now.addingTimeInterval(-max(0, grace.seconds))
        let windowStart = lastFired.map { max($0, onTimeAfter) } ?? onTimeAfter
        let onTime = slots(after: windowStart, through: now, limit: 1000)
        guard let lastFired, lastFired < onTimeAfter else { return onTime }
        let wanted: Int
        switch policy {
        case .skip: return onTime
        case .runOnce:
            if !onTime.isEmpty { return onTime }
            wanted = 1
        case .runAll(let cap): wanted = cap
        }
        var missed: [Date] = []
        var cursor = onTimeAfter
        while missed.count < wanted, let slot = previousFire(atOrBefore: cursor), slot > lastFired {
            missed.append(slot)
            cursor = slot.addingTimeInterval(-1)
        }
        return missed.reversed() + onTime
    }

    // MARK: Search

    /// Whole seconds since 1970 (floored), or nil outside a sane range. Slots always fall on
    /// whole seconds, so comparing with the floor is exact.
    private static func seconds(_ date: Date) -> Int? {
        let s = date.timeIntervalSince1970
        guard s.isFinite, abs(s) < 220_000_000_000 else { return nil }
        return Int(s.rounded(.down))
    }

    /// The Gregorian calendar repeats (weekdays included) every 400 years, so a search that
    /// finds nothing in 401 years never will.
    private static let searchYears = 401

    private func offset(_ seconds: Int) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    private func nextSlot(after x: Int) -> Int? {
        var cursor = CivilMinute(civilSeconds: x + offset(x))
        cursor.advanceMinute()
        let lastYear = cursor.year + Self.searchYears
        while let civil = nextCivilMatch(from: cursor, lastYear: lastYear) {
            let t = instant(for: civil)
            if t > x { return t }  // else: the second pass of a repeated hour, already fired
            cursor = civil
            cursor.advanceMinute()
        }
        return nil
    }

    private func previousSlot(atOrBefore x: Int) -> Int? {
        // A local time whose (first) instant is <= x can read up to the largest nearby offset
        // later than x on the wall clock; candidates resolving after x are skipped.
        let widest = max(offset(x - 86_400), offset(x), offset(x + 86_400))
        var cursor = CivilMinute(civilSeconds: x + widest)
        let firstYear = cursor.year - Self.searchYears
        while let civil = previousCivilMatch(from: cursor, firstYear: firstYear) {
            let t = instant(for: civil)
            if t <= x { return t }
            cursor = civil
            cursor.retreatMinute()
        }
        return nil
    }

    /// The first local minute `>= start` that matches, looking no further than `lastYear`.
    private func nextCivilMatch(from start: CivilMinute, lastYear: Int) -> CivilMinute? {
        let e = expression
        var c = start
        while c.year <= lastYear {
            guard CronExpression.has(e.monthBits, c.month) else { c.startOfNextMonth(); continue }
            guard e.matchesDay(year: c.year, month: c.month, day: c.day, weekday: c.weekday) else {
                c.startOfNextDay()
                continue
            }
            guard let hour = CronExpression.next(e.hourBits, atLeast: c.hour) else { c.startOfNextDay(); continue }
            if hour != c.hour {
                c.hour = hour
                c.minute = 0
            }
            guard let minute = CronExpression.next(e.minuteBits, atLeast: c.minute) else {
                if c.hour == 23 {
                    c.startOfNextDay()
                } else {
                    c.hour += 1
                    c.minute = 0
                }
                continue
            }
            c.minute = minute
            return c
        }
        return nil
    }

    /// The last local minute `<= start` that matches, looking no further back than `firstYear`.
    private func previousCivilMatch(from start: CivilMinute, firstYear: Int) -> CivilMinute? {
        let e = expression
        var c = start
        while c.year >= firstYear {
            guard CronExpression.has(e.monthBits, c.month) else { c.endOfPreviousMonth(); continue }
            guard e.matchesDay(year: c.year, month: c.month, day: c.day, weekday: c.weekday) else {
                c.endOfPreviousDay()
                continue
            }
            guard let hour = CronExpression.previous(e.hourBits, atMost: c.hour) else { c.endOfPreviousDay(); continue }
            if hour != c.hour {
                c.hour = hour
                c.minute = 59
            }
            guard let minute = CronExpression.previous(e.minuteBits, atMost: c.minute) else {
                if c.hour == 0 {
                    c.endOfPreviousDay()
                } else {
                    c.hour -= 1
                    c.minute = 59
                }
                continue
            }
            c.minute = minute
            return c
        }
        return nil
    }

    /// The instant a local wall-clock minute fires at: its only occurrence; its first occurrence
    /// when the clock is turned back over it; the end of the gap when it is skipped.
    private func instant(for civil: CivilMinute) -> Int {
        let local = civil.civilSeconds
        let offsets = Set([offset(local - 86_400), offset(local), offset(local + 86_400)])
        var earliest: Int?
        for o in offsets where offset(local - o) == o {
            earliest = min(earliest ?? Int.max, local - o)
        }
        if let earliest { return earliest }
        // Skipped local time: find the transition, the first second after which the
        // wall clock reads later than `civil`.
        var low = local - (offsets.max() ?? 0)
        var high = local - (offsets.min() ?? 0)
        let before = offset(low)
        while high - low > 1 {
            let mid = low + (high - low) / 2
            if offset(mid) == before { low = mid } else { high = mid }
        }
        return high
    }

    // MARK: Codable (expression text and time zone identifier)

    private enum CodingKeys: String, CodingKey {
        case expression, timeZone
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let expression = try container.decode(CronExpression.self, forKey: .expression)
        let identifier = try container.decode(String.self, forKey: .timeZone)
        do {
            try self.init(expression, timeZone: identifier)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .timeZone, in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(expression, forKey: .expression)
        try container.encode(timeZoneIdentifier, forKey: .timeZone)
    }
}
