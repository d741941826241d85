import Foundation
import Sundial
import Testing
@testable import SundialEngine
import SundialTestSupport

/// Tests that run real worker processes: killed with SIGKILL mid-step, stopped with SIGTERM.
@Suite("Worker processes")
struct WorkerProcessTests {
    @Test("a worker killed mid-handler loses nothing; another finishes it after the lease expires, side effect once per key")
    func sigkillMidHandler() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(EffectProbe.self, key: "kill-me", input: .init(holdMilliseconds: 3000))
            let keyPrefix = started.id.uuidString.lowercased()

            let doomed = try WorkerProcess(database: db.database, workerID: "doomed", lease: 2)
            let inFlight = try await eventually { try await db.world.effects(keyPrefix: keyPrefix).first?.calls == 1 }
            #expect(inFlight, "the handler never started: \(doomed.log)")
            doomed.kill()

            // Nothing is lost: the row is still there, leased by the dead worker, not finished.
            let orphan = try await db.workflows.workflow(started.id)
            #expect(orphan.status == .runnable)
            #expect(orphan.leaseOwner == "doomed")

            let rescuer = try WorkerProcess(database: db.database, workerID: "rescuer", lease: 2)
            defer { rescuer.terminate() }
            let done = try await db.settled(started.id, timeout: .seconds(30))
            #expect(done.status == .completed, "rescuer log: \(rescuer.log)")

            // The effect ran twice (at-least-once handler) under ONE idempotency key: applied once.
            let effects = try await db.world.effects(keyPrefix: keyPrefix)
            #expect(effects.count == 1)
            #expect(effects.first?.key == "\(keyPrefix)/charge/1")
            #expect(effects.first?.calls == 2)
            let history = try await db.workflows.history(started.id)
            #expect(history.first { $0.event == "transition" }?.workerID == "rescuer")
            #expect(!history.contains { $0.workerID == "doomed" })
            #expect(rescuer.log.contains("took over workflow after its lease expired"))
        }
    }

    @Test("SIGTERM drains: the running step finishes and commits, the lease is released, the process exits 0")
    func gracefulDrain() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(SlowProbe.self, key: "drain", input: .init(stepMilliseconds: 1500))
            let worker = try WorkerProcess(database: db.database, workerID: "drainer", lease: 10, concurrency: 1, drainSeconds: 10)
            let leased = try await eventually { try await db.workflows.workflow(started.id).leaseOwner == "drainer" }
            #expect(leased, "never claimed: \(worker.log)")
            worker.terminate()
            let status = await worker.waitForExit(timeout: .seconds(15))
            #expect(status == 0, "worker log: \(worker.log)")

            let row = try await db.workflows.workflow(started.id)
            #expect(row.state == "two")  // step one finished and committed during the drain
            #expect(row.visit == 2)
            #expect(row.leaseOwner == nil)
            #expect(row.status == .runnable)
            #expect(worker.log.contains("draining"))

            // Released at once, so the next worker picks it up without waiting for a lease.
            let done = try await db.withWorker { _ in try await db.settled(started.id) }
            #expect(done.status == .completed)
        }
    }

    @Test("a step still running at the drain deadline is cancelled and its lease released")
    func drainDeadline() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(SlowProbe.self, key: "slow", input: .init(stepMilliseconds: 20_000))
            let worker = try WorkerProcess(database: db.database, workerID: "impatient", lease: 30, concurrency: 1, drainSeconds: 1)
            let leased = try await eventually { try await db.workflows.workflow(started.id).leaseOwner == "impatient" }
            #expect(leased, "never claimed: \(worker.log)")
            worker.terminate()
            let status = await worker.waitForExit(timeout: .seconds(10))
            #expect(status == 0, "worker log: \(worker.log)")
            let row = try await db.workflows.workflow(started.id)
            #expect(row.leaseOwner == nil)
            #expect(row.visit == 1)
            #expect(row.status == .runnable)
            #expect(worker.log.contains("drain deadline passed"))
        }
    }

    @Test("three worker processes catching up 100 missed minutes fire each slot exactly once")
    func scheduleSlotsOnceAcrossProcesses() async throws {
        try await TestDatabase.with { db in
            let schedule = Probes.everyMinute
            let since = Date().addingTimeInterval(-100 * 60)
            try await db.store.syncSchedules([schedule], now: since)  // registered 100 minutes ago, no worker since
            let workers = try (1...3).map {
                try WorkerProcess(database: db.database, workerID: "firer-\($0)", extra: ["SUNDIAL_TEST_SCHEDULES": "1"])
            }
            defer { workers.forEach { $0.kill() } }
            let caughtUp = try await eventually(timeout: .seconds(30)) {
                try await (db.store.schedules().first?.nextFireAt ?? .distantPast) > Date()
            }
            #expect(caughtUp, "schedule never caught up: \(workers[0].log)")
            let fires = try await db.store.fires(of: schedule.name)
            let expected = schedule.schedule.slots(after: since, through: fires.last?.slot ?? since, limit: 1000)
            #expect(fires.count >= 100)
            #expect(fires.map(\.slot) == expected)  // every minute, in order, none twice, none missing
            let workflows = try await db.scalar("SELECT count(*)::int8 FROM workflows WHERE business_key LIKE 'probe-every-minute@%'", as: Int64.self)
            #expect(workflows == Int64(fires.count))
        }
    }
}
