import Foundation
import Sundial
import Testing

@Suite("Schedule: next fire, DST, misfires")
struct ScheduleTests {
    /// Successive next fires starting strictly after `start`.
    func fires(_ cron: String, _ zone: String, after start: String, count: Int) throws -> [Date] {
        let schedule = try Schedule(cron: cron, timeZone: zone)
        var result: [Date] = []
        var cursor = try iso(start)
        for _ in 0..<count {
            guard let next = schedule.nextFire(after: cursor) else { break }
            result.append(next)
            cursor = next
        }
        return result
    }

    // MARK: Typical expressions

    @Test("0 23 * * * in Los Angeles, across the spring-forward change")
    func nightlyLosAngeles() throws {
        #expect(try fires("0 23 * * *", "America/Los_Angeles", after: "2026-03-07T12:00:00-08:00", count: 3) == isos([
            "2026-03-07T23:00:00-08:00", "2026-03-08T23:00:00-07:00", "2026-03-09T23:00:00-07:00",
        ]))
    }

    @Test("*/15 * * * * fires on the quarter hours, strictly after the instant")
    func everyFifteenMinutes() throws {
        #expect(try fires("*/15 * * * *", "UTC", after: "2026-01-01T10:07:30Z", count: 4) == isos([
            "2026-01-01T10:15:00Z", "2026-01-01T10:30:00Z", "2026-01-01T10:45:00Z", "2026-01-01T11:00:00Z",
        ]))
        let schedule = try Schedule(cron: "*/15 * * * *", timeZone: "UTC")
        #expect(try schedule.nextFire(after: try iso("2026-01-01T10:15:00Z")) == iso("2026-01-01T10:30:00Z"))
        #expect(try schedule.nextFire(after: try iso("2026-01-01T10:14:59Z")) == iso("2026-01-01T10:15:00Z"))
        #expect(try schedule.nextFire(after: try iso("2026-12-31T23:50:00Z")) == iso("2027-01-01T00:00:00Z"))
    }

    @Test("0 2 * * 1-5 skips the weekend")
    func weekdays() throws {
        // 2026-11-20 is a Friday.
        #expect(try fires("0 2 * * 1-5", "America/New_York", after: "2026-11-20T03:00:00-05:00", count: 2) == isos([
            "2026-11-23T02:00:00-05:00", "2026-11-24T02:00:00-05:00",
        ]))
    }

    @Test("0 0 1 * * fires on the first of each month")
    func monthly() throws {
        #expect(try fires("0 0 1 * *", "UTC", after: "2026-01-31T12:00:00Z", count: 3) == isos([
            "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z",
        ]))
        #expect(try fires("@yearly", "Europe/Berlin", after: "2026-06-01T00:00:00Z", count: 1) == isos([
            "2027-01-01T00:00:00+01:00",
        ]))
    }

    @Test("day-of-month and day-of-week both restricted: either matches")
    func orRule() throws {
        // December 2026: Fridays 4, 11, 18, 25; the 13th is a Sunday.
        #expect(try fires("0 12 13 * FRI", "UTC", after: "2026-12-01T00:00:00Z", count: 5) == isos([
            "2026-12-04T12:00:00Z", "2026-12-11T12:00:00Z", "2026-12-13T12:00:00Z",
            "2026-12-18T12:00:00Z", "2026-12-25T12:00:00Z",
        ]))
    }

    @Test("a day field starting with * is unrestricted: both must match")
    func andRuleWithStar() throws {
        // Days 1, 11, 21, 31 that are Fridays: 2026-12-11, then 2027-01-01.
        #expect(try fires("0 12 */10 * FRI", "UTC", after: "2026-12-01T00:00:00Z", count: 2) == isos([
            "2026-12-11T12:00:00Z", "2027-01-01T12:00:00Z",
        ]))
        #expect(try fires("0 12 13 * *", "UTC", after: "2026-12-01T00:00:00Z", count: 2) == isos([
            "2026-12-13T12:00:00Z", "2027-01-13T12:00:00Z",
        ]))
    }

    @Test("0 0 29 2 * fires in leap years only (2100 is not one)")
    func leapDay() throws {
        #expect(try fires("0 0 29 2 *", "UTC", after: "2026-01-01T00:00:00Z", count: 2) == isos([
            "2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z",
        ]))
        #expect(try fires("0 0 29 2 *", "UTC", after: "2096-03-01T00:00:00Z", count: 1) == isos([
            "2104-02-29T00:00:00Z",
        ]))
    }

    @Test("expressions that can never fire give nil, quickly", arguments: [
        "0 0 30 2 *", "0 0 31 4,6,9,11 *", "0 0 31 FEB *",
    ])
    func neverFires(cron: String) throws {
        let schedule = try Schedule(cron: cron, timeZone: "America/New_York")
        let start = try iso("2026-01-01T00:00:00Z")
        #expect(schedule.nextFire(after: start) == nil)
        #expect(schedule.previousFire(atOrBefore: start) == nil)
        let later = try iso("2030-01-01T00:00:00Z")
        let earlier = try iso("2025-01-01T00:00:00Z")
        #expect(schedule.slots(after: start, through: later, limit: 10) == [])
        #expect(schedule.dueSlots(lastFired: earlier, now: start, policy: .runAll(cap: 5)) == [])
    }

    @Test("instants outside the supported range give nil")
    func outOfRange() throws {
        let schedule = try Schedule(cron: "* * * * *", timeZone: "UTC")
        #expect(schedule.nextFire(after: Date(timeIntervalSince1970: 1e300)) == nil)
        #expect(schedule.nextFire(after: Date(timeIntervalSince1970: .nan)) == nil)
    }

    // MARK: DST, America/New_York (spring forward 2026-03-08 02:00, fall back 2026-11-01 02:00)

    @Test("New York: 02:30 does not exist on 2026-03-08 and fires once at 03:00")
    func newYorkSpringForwardDaily() throws {
        #expect(try fires("30 2 * * *", "America/New_York", after: "2026-03-07T12:00:00-05:00", count: 3) == isos([
            "2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00", "2026-03-10T02:30:00-04:00",
        ]))
    }

    @Test("New York: 01:30 occurs twice on 2026-11-01 and fires once, the first time")
    func newYorkFallBackDaily() throws {
        #expect(try fires("30 1 * * *", "America/New_York", after: "2026-10-31T12:00:00-04:00", count: 2) == isos([
            "2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00",
        ]))
        // Asked during the repeated hour (second pass), the next slot is the next day's.
        let schedule = try Schedule(cron: "30 1 * * *", timeZone: "America/New_York")
        #expect(try schedule.nextFire(after: try iso("2026-11-01T01:10:00-05:00")) == iso("2026-11-02T01:30:00-05:00"))
    }

    @Test("New York: hourly on the spring-forward day, no duplicate at 03:00")
    func newYorkSpringForwardHourly() throws {
        let schedule = try Schedule(cron: "0 * * * *", timeZone: "America/New_York")
        #expect(try schedule.slots(after: try iso("2026-03-08T00:00:00-05:00"), through: try iso("2026-03-08T05:00:00-04:00"), limit: 100) == isos([
            "2026-03-08T01:00:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T04:00:00-04:00", "2026-03-08T05:00:00-04:00",
        ]))
    }

    @Test("New York: every 15 minutes on the spring-forward day")
    func newYorkSpringForwardQuarterHours() throws {
        let schedule = try Schedule(cron: "*/15 * * * *", timeZone: "America/New_York")
        #expect(try schedule.slots(after: try iso("2026-03-08T01:30:00-05:00"), through: try iso("2026-03-08T03:30:00-04:00"), limit: 100) == isos([
            "2026-03-08T01:45:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T03:15:00-04:00", "2026-03-08T03:30:00-04:00",
        ]))
    }

    @Test("New York: hourly and half-hourly on the fall-back day fire each local time once")
    func newYorkFallBackHourly() throws {
        let hourly = try Schedule(cron: "0 * * * *", timeZone: "America/New_York")
        #expect(try hourly.slots(after: try iso("2026-11-01T00:00:00-04:00"), through: try iso("2026-11-01T04:00:00-05:00"), limit: 100) == isos([
            "2026-11-01T01:00:00-04:00", "2026-11-01T02:00:00-05:00", "2026-11-01T03:00:00-05:00", "2026-11-01T04:00:00-05:00",
        ]))
        let halfHourly = try Schedule(cron: "*/30 * * * *", timeZone: "America/New_York")
        #expect(try halfHourly.slots(after: try iso("2026-11-01T00:30:00-04:00"), through: try iso("2026-11-01T02:30:00-05:00"), limit: 100) == isos([
            "2026-11-01T01:00:00-04:00", "2026-11-01T01:30:00-04:00", "2026-11-01T02:00:00-05:00", "2026-11-01T02:30:00-05:00",
        ]))
    }

    // MARK: DST, Europe/Berlin (spring forward 2026-03-29 02:00, fall back 2026-10-25 03:00)

    @Test("Berlin: 02:30 on 2026-03-29 fires once at 03:00; hourly has no duplicate")
    func berlinSpringForward() throws {
        #expect(try fires("30 2 * * *", "Europe/Berlin", after: "2026-03-28T12:00:00+01:00", count: 2) == isos([
            "2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00",
        ]))
        let hourly = try Schedule(cron: "0 * * * *", timeZone: "Europe/Berlin")
        #expect(try hourly.slots(after: try iso("2026-03-29T00:00:00+01:00"), through: try iso("2026-03-29T04:00:00+02:00"), limit: 100) == isos([
            "2026-03-29T01:00:00+01:00", "2026-03-29T03:00:00+02:00", "2026-03-29T04:00:00+02:00",
        ]))
    }

    @Test("Berlin: 02:30 occurs twice on 2026-10-25 and fires once, the first time")
    func berlinFallBack() throws {
        #expect(try fires("30 2 * * *", "Europe/Berlin", after: "2026-10-24T12:00:00+02:00", count: 2) == isos([
            "2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00",
        ]))
        let hourly = try Schedule(cron: "0 * * * *", timeZone: "Europe/Berlin")
        #expect(try hourly.slots(after: try iso("2026-10-25T01:00:00+02:00"), through: try iso("2026-10-25T04:00:00+01:00"), limit: 100) == isos([
            "2026-10-25T02:00:00+02:00", "2026-10-25T03:00:00+01:00", "2026-10-25T04:00:00+01:00",
        ]))
    }

    // MARK: previousFire and slots

    @Test("previousFire finds the latest slot at or before, DST included")
    func previousFire() throws {
        let utc = try Schedule(cron: "*/15 * * * *", timeZone: "UTC")
        #expect(try utc.previousFire(atOrBefore: try iso("2026-01-01T10:15:00Z")) == iso("2026-01-01T10:15:00Z"))
        #expect(try utc.previousFire(atOrBefore: try iso("2026-01-01T00:14:59Z")) == iso("2026-01-01T00:00:00Z"))
        #expect(try utc.previousFire(atOrBefore: try iso("2025-12-31T23:59:00Z")) == iso("2025-12-31T23:45:00Z"))
        let newYork = try Schedule(cron: "*/15 * * * *", timeZone: "America/New_York")
        // During the repeated hour the latest slot is in the first pass.
        #expect(try newYork.previousFire(atOrBefore: try iso("2026-11-01T01:10:00-05:00")) == iso("2026-11-01T01:45:00-04:00"))
        #expect(try newYork.previousFire(atOrBefore: try iso("2026-03-08T03:10:00-04:00")) == iso("2026-03-08T03:00:00-04:00"))
        let leap = try Schedule(cron: "0 0 29 2 *", timeZone: "UTC")
        #expect(try leap.previousFire(atOrBefore: try iso("2104-01-01T00:00:00Z")) == iso("2096-02-29T00:00:00Z"))
    }

    @Test("slots returns the earliest ones in (after, through], at most limit")
    func slotsLimit() throws {
        let schedule = try Schedule(cron: "* * * * *", timeZone: "UTC")
        let start = try iso("2026-01-01T00:00:00Z")
        let end = try iso("2026-01-01T01:00:00Z")
        #expect(try schedule.slots(after: start, through: end, limit: 3) == isos([
            "2026-01-01T00:01:00Z", "2026-01-01T00:02:00Z", "2026-01-01T00:03:00Z",
        ]))
        #expect(schedule.slots(after: start, through: end, limit: 1000).count == 60)
        #expect(schedule.slots(after: start, through: end, limit: 1000).last == end)
        #expect(schedule.slots(after: start, through: end, limit: 0) == [])
        #expect(schedule.slots(after: end, through: start, limit: 10) == [])
    }

    // MARK: Misfires

    var hourly: Schedule {
        get throws { try Schedule(cron: "0 * * * *", timeZone: "UTC") }
    }

    @Test("an on-time slot is due under every policy", arguments: [MisfirePolicy.skip, .runOnce, .runAll(cap: 3)])
    func onTime(policy: MisfirePolicy) throws {
        let last = try iso("2026-01-01T00:00:00Z")
        #expect(try hourly.dueSlots(lastFired: last, now: try iso("2026-01-01T01:00:05Z"), policy: policy) == isos(["2026-01-01T01:00:00Z"]))
        #expect(try hourly.dueSlots(lastFired: last, now: try iso("2026-01-01T00:59:59Z"), policy: policy) == [])
        // Already fired: nothing again.
        #expect(try hourly.dueSlots(lastFired: try iso("2026-01-01T01:00:00Z"), now: try iso("2026-01-01T01:00:30Z"), policy: policy) == [])
    }

    @Test("skip: missed slots are dropped")
    func skip() throws {
        let last = try iso("2026-01-01T00:00:00Z")
        #expect(try hourly.dueSlots(lastFired: last, now: try iso("2026-01-01T05:30:00Z"), policy: .skip) == [])
        #expect(try hourly.dueSlots(lastFired: last, now: try iso("2026-01-01T05:00:30Z"), policy: .skip) == isos(["2026-01-01T05:00:00Z"]))
        #expect(try hourly.dueSlots(lastFired: last, now: try iso("2026-01-01T05:30:00Z"), policy: .skip, grace: .seconds(3600)) == isos(["2026-01-01T05:00:00Z"]))
    }

    @Test("runOnce: one catch-up, for the latest missed slot")
    func runOnce() throws {
        let last = try iso("2026-01-01T00:00:00Z")
        #expect(try hourly.dueSlots(lastFired: last, now: try iso("2026-01-01T05:30:00Z"), policy: .runOnce) == isos(["2026-01-01T05:00:00Z"]))
        #expect(try hourly.dueSlots(lastFired: last, now: try iso("2026-01-01T05:00:30Z"), policy: .runOnce) == isos(["2026-01-01T05:00:00Z"]))
        #expect(try hourly.dueSlots(lastFired: last, now: try iso("2026-03-01T00:30:00Z"), policy: .runOnce) == isos(["2026-03-01T00:00:00Z"]))
    }

    @Test("runAll: each missed slot, at most cap, the most recent ones")
    func runAll() throws {
        let last = try iso("2026-01-01T00:00:00Z")
        #expect(try hourly.dueSlots(lastFired: last, now: try iso("2026-01-01T05:30:00Z"), policy: .runAll(cap: 3)) == isos([
            "2026-01-01T03:00:00Z", "2026-01-01T04:00:00Z", "2026-01-01T05:00:00Z",
        ]))
        #expect(try hourly.dueSlots(lastFired: last, now: try iso("2026-01-01T05:30:00Z"), policy: .runAll(cap: 10)) == isos([
            "2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z", "2026-01-01T03:00:00Z", "2026-01-01T04:00:00Z", "2026-01-01T05:00:00Z",
        ]))
        // The on-time slot comes on top of the cap.
        #expect(try hourly.dueSlots(lastFired: last, now: try iso("2026-01-01T05:00:30Z"), policy: .runAll(cap: 2)) == isos([
            "2026-01-01T03:00:00Z", "2026-01-01T04:00:00Z", "2026-01-01T05:00:00Z",
        ]))
        #expect(try hourly.dueSlots(lastFired: last, now: try iso("2026-01-01T05:30:00Z"), policy: .runAll(cap: 0)) == [])
        // A year down with a per-minute schedule: still only the cap, computed backwards.
        let minutely = try Schedule(cron: "* * * * *", timeZone: "UTC")
        #expect(try minutely.dueSlots(lastFired: last, now: try iso("2027-01-01T00:00:30Z"), policy: .runAll(cap: 2)) == isos([
            "2026-12-31T23:58:00Z", "2026-12-31T23:59:00Z", "2027-01-01T00:00:00Z",
        ]))
    }

    @Test("never fired: nothing counts as missed", arguments: [MisfirePolicy.skip, .runOnce, .runAll(cap: 5)])
    func neverFired(policy: MisfirePolicy) throws {
        #expect(try hourly.dueSlots(lastFired: nil, now: try iso("2026-01-01T05:30:00Z"), policy: policy) == [])
        #expect(try hourly.dueSlots(lastFired: nil, now: try iso("2026-01-01T05:00:30Z"), policy: policy) == isos(["2026-01-01T05:00:00Z"]))
    }

    @Test("missed slots across a DST change are the real local slots")
    func misfireAcrossDST() throws {
        let schedule = try Schedule(cron: "30 * * * *", timeZone: "America/New_York")
        #expect(try schedule.dueSlots(lastFired: try iso("2026-03-08T00:30:00-05:00"), now: try iso("2026-03-08T04:45:00-04:00"), policy: .runAll(cap: 10)) == isos([
            "2026-03-08T01:30:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T03:30:00-04:00", "2026-03-08T04:30:00-04:00",
        ]))
    }

    // MARK: Time zones and storage

    @Test("an unknown time zone is a clear error")
    func unknownTimeZone() {
        #expect(throws: CronError(field: "time zone", "Mars/Olympus is not a known IANA time zone identifier")) {
            try Schedule(cron: "0 0 * * *", timeZone: "Mars/Olympus")
        }
        do {
            _ = try Schedule(cron: "0 0 * * *", timeZone: "Mars/Olympus")
        } catch {
            #expect(error.message == "time zone: Mars/Olympus is not a known IANA time zone identifier")
        }
        #expect(throws: CronError(field: "hour", "25 is out of range 0-23")) {
            try Schedule(cron: "0 25 * * *", timeZone: "UTC")
        }
    }

    @Test("Codable as expression text and time zone id")
    func codable() throws {
        let schedule = try Schedule(cron: "0 2 * * 1-5", timeZone: "America/New_York")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(schedule)
        #expect(String(decoding: data, as: UTF8.self) == #"{"expression":"0 2 * * 1-5","timeZone":"America\/New_York"}"#)
        let decoded = try JSONDecoder().decode(Schedule.self, from: data)
        #expect(decoded == schedule)
        #expect(decoded.timeZoneIdentifier == "America/New_York")
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Schedule.self, from: Data(#"{"expression":"0 2 * * *","timeZone":"Nowhere/Land"}"#.utf8))
        }
        let utc = try Schedule(cron: "@daily", timeZone: "UTC")
        #expect(utc.timeZoneIdentifier == "UTC")
    }

    @Test("MisfirePolicy is Codable", arguments: [MisfirePolicy.skip, .runOnce, .runAll(cap: 7)])
    func policyCodable(policy: MisfirePolicy) throws {
        let data = try JSONEncoder().encode(policy)
        #expect(try JSONDecoder().decode(MisfirePolicy.self, from: data) == policy)
    }
}
