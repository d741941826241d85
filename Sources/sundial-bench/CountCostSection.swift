import ArgumentParser
import Foundation
import PostgresNIO
import SundialEngine

/// `sundial-bench count-cost`: what the fleet-count triggers of migration 0013 add to the write
/// path, as PostgreSQL backend CPU time per statement (read from `/proc/<backend pid>/stat`, so
/// it is not skewed by other load on a shared machine; PostgreSQL must run on this machine).
/// Three statements shaped like the engine's: a start (INSERT of the row and its history), a
/// step that keeps its status (the common commit), and a step that changes it; each run `count`
/// times in a DO loop with the triggers disabled, then enabled, `rounds` times over. Then the
/// fold of the deltas the status changes appended, per delta row.
struct CountCostSection: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "count-cost", abstract: "Backend CPU the fleet-count triggers add per statement.")
    @Option var schema = "bench_count_cost"
    @Option(help: "Statements per timed loop.") var count = 20_000
    @Option var rounds = 3

    static let statements: [(kind: String, sql: String)] = [
        ("start", """
            WITH inserted AS (
                INSERT INTO workflows (id, type, version, business_key, state, status, input, context, run_at)
                VALUES (gen_random_uuid(), 'bench-five-steps', 1, 'start-' || i || '-' || random(), 'create', 'runnable',
                        '{"orderID":"o"}', jsonb_build_object('orderID', 'o', 'pad', repeat('x', 400)), now())
                ON CONFLICT (type, business_key) DO NOTHING RETURNING id
            ), history AS (
                INSERT INTO workflow_history (workflow_id, visit, event, to_state) SELECT id, 1, 'started', 'create' FROM inserted
            )
            SELECT count(*) INTO x FROM inserted;
            """),
        ("step_same_status", """
            WITH updated AS (
                UPDATE workflows SET state = 'pay', status = status, updated_at = now()
                WHERE type = 'bench-five-steps' AND business_key = 'seed-' || (1 + i % 20000) RETURNING id, visit
            )
            INSERT INTO workflow_history (workflow_id, visit, event, to_state) SELECT id, visit, 'transition', 'pay' FROM updated;
            """),
        ("step_status_change", """
            WITH updated AS (
                UPDATE workflows SET state = 'pay', status = CASE WHEN status = 'runnable' THEN 'sleeping' ELSE 'runnable' END,
                                     updated_at = now()
                WHERE type = 'bench-five-steps' AND business_key = 'seed-' || (1 + i % 20000) RETURNING id, visit
            )
            INSERT INTO workflow_history (workflow_id, visit, event, to_state) SELECT id, visit, 'transition', 'pay' FROM updated;
            """),
    ]

    func run() async throws {
        let bench = try BenchEnvironment.fromEnvironment(schema: schema)
        let (count, rounds) = (self.count, self.rounds)
        try await bench.withSchema(registering: []) { client, workflowClient in
            try await client.query("""
                INSERT INTO workflows (id, type, version, business_key, state, status, input, context, run_at)
                SELECT gen_random_uuid(), 'bench-five-steps', 1, 'seed-' || g, 'create', 'runnable', '{"orderID":"o"}',
                       jsonb_build_object('orderID', 'o', 'pad', repeat('x', 400)), now() + interval '1 day'
                FROM generate_series(1, 20000) AS g
                """, logger: bench.logger)
            try await client.query("VACUUM ANALYZE workflows", logger: bench.logger)
            let logger = bench.logger
            let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
            var samples: [String: (off: [Double], on: [Double])] = [:]
            try await client.withConnection { connection in
                let pids = try await connection.query("SELECT pg_backend_pid()", logger: logger)
                var pid = 0
                for try await value in pids.decode(Int.self) { pid = value }
                func cpuSeconds() throws -> Double {
                    let text = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
                    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
                    let fields = text[text.index(after: text.lastIndex(of: ")")!)...].split(separator: " ")
                    return (Double(fields[11])! + Double(fields[12])!) / ticks
                }
                guard (try? cpuSeconds()) != nil else {
                    throw ValidationError("PostgreSQL backend \(pid) is not a process on this machine: count-cost needs a local server")
                }
                for _ in 0..<rounds {
                    for enabled in [false, true] {
                        try await connection.query(PostgresQuery(unsafeSQL: "ALTER TABLE workflows \(enabled ? "ENABLE" : "DISABLE") TRIGGER USER"), logger: logger)
                        for (kind, sql) in Self.statements {
                            let before = try cpuSeconds()
                            try await connection.query(PostgresQuery(unsafeSQL: """
                                DO $$ DECLARE x int; BEGIN FOR i IN 1..\(count) LOOP \(sql) END LOOP; END $$
                                """), logger: logger)
                            let microseconds = (try cpuSeconds() - before) / Double(count) * 1e6
                            if enabled { samples[kind, default: ([], [])].on.append(microseconds) } else { samples[kind, default: ([], [])].off.append(microseconds) }
                        }
                    }
                }
            }
            // The deltas the enabled rounds appended, folded as the fleet's folders do.
            let deltas = try await bench.scalar(client, "SELECT count(*)::int8 FROM workflow_count_deltas", as: Int64.self) ?? 0
            let foldStarted = ContinuousClock.now
            while try await workflowClient.store.foldFleetCounts() > 0 {}
            let foldSeconds = (ContinuousClock.now - foldStarted).seconds
            var line: [String: Any] = ["section": "count-cost", "count": count, "rounds": rounds, "deltas_folded": deltas,
                                       "fold_us_per_delta": deltas > 0 ? foldSeconds / Double(deltas) * 1e6 : Double.nan]
            for (kind, sample) in samples {
                let off = Percentiles(sample.off).value(50), on = Percentiles(sample.on).value(50)
                line["\(kind)_us_without"] = off
                line["\(kind)_us_with"] = on
                line["\(kind)_us_added"] = on - off
            }
            emit(line)
        }
    }
}
