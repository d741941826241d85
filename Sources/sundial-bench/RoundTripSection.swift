import ArgumentParser
import Foundation
import PostgresNIO
import SundialEngine

/// `sundial-bench rtt`: the client-side cost of one round trip, through the pool and on a
/// held connection, to separate driver overhead from database time when profiling.
struct RoundTripSection: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rtt", abstract: "Time trivial round trips (pool vs held connection).")
    @Option var count = 2000

    struct SelectOne: PostgresPreparedStatement {
        typealias Row = Int
        static let sql = "SELECT $1::int8"
        let value: Int
        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(value)
            return bindings
        }
        func decodeRow(_ row: PostgresRow) throws -> Int { try row.decode(Int.self) }
    }

    func run() async throws {
        let bench = try BenchEnvironment.fromEnvironment(schema: "bench_rtt")
        let database = try bench.database
        let count = self.count
        try await DatabaseSession.with(database, logger: bench.logger) { client in
            for _ in 0..<50 { for try await _ in try await client.execute(SelectOne(value: 1)) {} }
            var started = ContinuousClock.now
            for n in 0..<count { for try await _ in try await client.execute(SelectOne(value: n)) {} }
            let pooled = (ContinuousClock.now - started).seconds / Double(count) * 1e6
            // PostgresNIO's pool itself, without DatabaseClient's LostStatementGuard: the guard's cost.
            let pool = client.current
            started = ContinuousClock.now
            for n in 0..<count { for try await _ in try await pool.execute(SelectOne(value: n)) {} }
            let unguarded = (ContinuousClock.now - started).seconds / Double(count) * 1e6
            let held = try await client.withConnection { connection in
                let logger = bench.logger
                started = ContinuousClock.now
                for n in 0..<count { for try await _ in try await connection.execute(SelectOne(value: n), logger: logger) {} }
                return (ContinuousClock.now - started).seconds / Double(count) * 1e6
            }
            emit(["section": "rtt", "count": count, "pooled_us": pooled, "pooled_unguarded_us": unguarded, "held_connection_us": held])
        }
    }
}
