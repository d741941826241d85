import Foundation
import Sundial
import Testing
@testable import SundialEngine
import SundialTestSupport

@Suite("Schedules")
struct ScheduleTests {
    private static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    private func declaration(_ name: String, cron: String, zone: String, misfire: MisfirePolicy) throws -> ScheduleDeclaration {
        ScheduleDeclaration(name, workflow: FiveSteps.self, schedule: try Schedule(cron: cron, timeZone: zone), misfire: misfire) { slot in
            FiveSteps.Input(n: Int(slot.timeIntervalSince1970 / 60))
        }
    }

    /// Three firers (as three workers would run) racing on the same clock.
    private func fireFromThree(_ services: [ScheduleService]) async -> Int {
        await withTaskGroup(of: Int.self) { group in
            for service in services { group.addTask { await service.fireDue().count } }
            return await group.reduce(0, +)
        }
    }

    @Test("three firers racing: each of 31 slots (30 missed, caught up) starts exactly one workflow")
    func exactlyOncePerSlot() async throws {
        try await TestDatabase.with { db in
            let clock = SettableClock(Self.at("2026-06-01T06:00:00Z"))
            let every = try declaration("every-minute", cron: "* * * * *", zone: "UTC", misfire: .runAll(cap: 30))
            let firers = (0..<3).map { _ in ScheduleService(store: db.store, declarations: [every], clock: clock, logger: db.logger) }
            try await db.store.syncSchedules([every], now: clock.now())
            // Every minute fired on time for a while, then no worker ran for half an hour.
            clock.set(Self.at("2026-06-01T06:00:10Z"))
            #expect(await fireFromThree(firers) == 0)  // 06:00 is not after the sync at 06:00:00
            clock.set(Self.at("2026-06-01T06:01:05Z"))
            #expect(await fireFromThree(firers) == 1)
            clock.set(Self.at("2026-06-01T06:32:00Z"))
            var started = 0
            for _ in 0..<3 { started += await fireFromThree(firers) }
            #expect(started == 31)  // 06:02 … 06:31 missed (30, the cap) + 06:32 on time

            let fires = try await db.store.fires(of: "every-minute")
            #expect(fires.count == 32)
            #expect(Set(fires.map(\.slot)).count == 32)
            #expect(fires.first?.slot == Self.at("2026-06-01T06:01:00Z"))
            #expect(fires.last?.slot == Self.at("2026-06-01T06:32:00Z"))
            let workflows = try await db.scalar("SELECT count(*)::int8 FROM workflows WHERE business_key LIKE 'every-minute@%'", as: Int64.self)
            #expect(workflows == 32)
            let row = try #require(try await db.store.schedules().first)
            #expect(row.nextFireAt == Self.at("2026-06-01T06:33:00Z"))
        }
    }

    @Test("across DST days in New York: a skipped 02:30 fires once at 03:00, a repeated 01:30 fires once")
    func daylightSavingDays() async throws {
        try await TestDatabase.with { db in
            let clock = SettableClock(Self.at("2026-03-06T12:00:00Z"))
            let spring = try declaration("spring", cron: "30 2 * * *", zone: "America/New_York", misfire: .runOnce)
            let autumn = try declaration("autumn", cron: "30 1 * * *", zone: "America/New_York", misfire: .runOnce)
            let firers = (0..<3).map { _ in ScheduleService(store: db.store, declarations: [spring, autumn], clock: clock, logger: db.logger) }
            try await db.store.syncSchedules([spring, autumn], now: clock.now())
            // Walk the clock every 20 minutes over both DST weekends, three firers at each step
            // (a slot is seen up to 20 minutes late, so it fires as the one catch-up run).
            for (from, through) in [("2026-03-06T12:00:00Z", "2026-03-10T12:00:00Z"), ("2026-10-30T12:00:00Z", "2026-11-03T12:00:00Z")] {
                var now = Self.at(from)
                clock.set(now)
                try await db.client.query("UPDATE schedules SET last_slot = \(now)", logger: db.logger)
                try await db.client.query("UPDATE schedules SET next_fire_at = \(spring.schedule.nextFire(after: now)) WHERE name = 'spring'", logger: db.logger)
                try await db.client.query("UPDATE schedules SET next_fire_at = \(autumn.schedule.nextFire(after: now)) WHERE name = 'autumn'", logger: db.logger)
                while now <= Self.at(through) {
                    _ = await fireFromThree(firers)
                    now = now.addingTimeInterval(20 * 60)
                    clock.set(now)
                }
            }
            let springFires = try await db.store.fires(of: "spring").map(\.slot).filter { $0 < Self.at("2026-03-11T00:00:00Z") }
            #expect(springFires == [
                Self.at("2026-03-07T07:30:00Z"),  // 02:30 EST
                Self.at("2026-03-08T07:00:00Z"),  // 02:30 does not exist; 03:00 EDT, once
                Self.at("2026-03-09T06:30:00Z"),  // 02:30 EDT
                Self.at("2026-03-10T06:30:00Z"),
            ])
            let autumnFires = try await db.store.fires(of: "autumn").map(\.slot).filter { $0 > Self.at("2026-10-30T00:00:00Z") }
            #expect(autumnFires == [
                Self.at("2026-10-31T05:30:00Z"),  // 01:30 EDT
                Self.at("2026-11-01T05:30:00Z"),  // 01:30 happens twice; only the first fires
                Self.at("2026-11-02T06:30:00Z"),  // 01:30 EST
                Self.at("2026-11-03T06:30:00Z"),
            ])
        }
    }

    @Test("a paused schedule does not fire; resume skips what passed; trigger starts one now")
    func pauseResumeTrigger() async throws {
        try await TestDatabase.with { db in
            let clock = SettableClock(Self.at("2026-06-01T06:00:00Z"))
            let hourly = try declaration("hourly", cron: "0 * * * *", zone: "Europe/Berlin", misfire: .runOnce)
            let firer = ScheduleService(store: db.store, declarations: [hourly], clock: clock, logger: db.logger)
            try await db.store.syncSchedules([hourly], now: clock.now())
            #expect(try await db.store.pauseSchedule("hourly") == true)
            #expect(try await db.store.pauseSchedule("hourly") == false)  // already paused
            #expect(try await db.store.pauseSchedule("nope") == nil)  // unknown
            clock.set(Self.at("2026-06-01T09:00:30Z"))
            #expect(await firer.fireDue().isEmpty)
            #expect(try await db.store.resumeSchedule("hourly", now: clock.now()) == true)
            #expect(await firer.fireDue().isEmpty)  // the three paused slots are skipped
            clock.set(Self.at("2026-06-01T10:00:05Z"))
            #expect(await firer.fireDue().map(\.slot) == [Self.at("2026-06-01T10:00:00Z")])

            let manual = try #require(try await db.store.triggerSchedule(hourly, now: Self.at("2026-06-01T10:17:00Z")))
            let started = try await db.workflows.workflow(manual)
            #expect(started.businessKey == "hourly@manual-2026-06-01T10:17:00Z")
            #expect(try await db.store.fires(of: "hourly").count == 2)
        }
    }
}
