import Foundation
import HTTPTypes
import PostgresNIO
import SundialEngine
import Synchronization
import Testing

@Suite("Admin pool: admin, dashboard and metrics cannot take the intake's connections")
struct AdminPoolTests {
    @Test("with every admin connection held, orders are still taken in, and the admin request waits for its own pool")
    func saturatedAdminLeavesTheIntake() async throws {
        try await IntakeHarness.with(adminPool: AdminPoolConfiguration(maxConnections: 1, statementTimeout: .seconds(5))) { h in
            let viewer = try await h.adminToken(.viewer)
            let adminClient = try #require(h.adminClient)
            let (held, holding) = AsyncStream<Void>.makeStream()
            let (release, releasing) = AsyncStream<Void>.makeStream()
            let adminAnswered = AnsweredFlag()
            try await withThrowingTaskGroup(of: Void.self) { group in
                // A stand-in for a flood of slow admin reads: the admin pool's only connection, held.
                group.addTask {
                    try await adminClient.withConnection { _ in
                        holding.yield()
                        for await _ in release { break }
                    }
                }
                for await _ in held { break }
                group.addTask {
                    let answer = try await h.send(.get, "/admin/v1/workflows", token: viewer, contentType: nil)
                    #expect(answer.status == .ok)
                    adminAnswered.set()
                }
                let token = try await TestTokens.hs256()
                for n in 0..<5 {
                    let order = try await h.send(.post, "/api/v1/orders", token: token, json: Orders.body(id: "SO-POOL-\(n)"))
                    #expect(order.status == .created, "\(order.text)")
                }
                // The admin connection is still held, so the admin request cannot have been answered.
                let answeredWhileHeld = adminAnswered.isSet
                #expect(!answeredWhileHeld)
                releasing.yield()
                releasing.finish()
                try await group.waitForAll()
            }
            let answeredAfter = adminAnswered.isSet
            #expect(answeredAfter)
        }
    }

    @Test("an admin statement that runs past the statement timeout answers 503 query_timeout; /metrics still answers")
    func statementTimeout() async throws {
        try await IntakeHarness.with(adminPool: AdminPoolConfiguration(maxConnections: 2, statementTimeout: .milliseconds(400))) { h in
            let viewer = try await h.adminToken(.viewer)
            // A lock the admin read must wait for, held until the read gave up.
            try await h.postgres.withTransaction(logger: h.logger) { connection in
                try await connection.query("LOCK TABLE schedules IN ACCESS EXCLUSIVE MODE", logger: h.logger)
                let answer = try await h.send(.get, "/admin/v1/schedules", token: viewer, contentType: nil)
                #expect(answer.status == .serviceUnavailable && answer.errorCode == "query_timeout" && answer.isJSON, "\(answer.text)")
                #expect(answer.headers[.retryAfter] == "5")
                try await h.expectDocumented(answer, "GET", "/admin/v1/schedules")
            }
            let schedules = try await h.send(.get, "/admin/v1/schedules", token: viewer, contentType: nil)
            #expect(schedules.status == .ok)
            let metrics = try await h.send(.get, "/metrics", contentType: nil)
            #expect(metrics.status == .ok)
        }
    }
}

/// Whether a request running in another task has been answered.
final class AnsweredFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .sequentiallyConsistent) }
    var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
}
