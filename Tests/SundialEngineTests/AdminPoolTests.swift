import Foundation
import Logging
import PostgresNIO
import Testing
@testable import SundialEngine
import SundialTestSupport

@Suite("Admin pool: its own connections, every statement bounded")
struct AdminPoolTests {
    @Test("a statement on the admin pool is cut at its statement timeout; the engine pool has none")
    func adminStatementTimeout() async throws {
        let database = try DatabaseConfiguration(url: TestDatabase.url, schema: "public", maxConnections: 2)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let admin = AdminPoolConfiguration(maxConnections: 1, statementTimeout: .milliseconds(300))
        #expect(admin.statementTimeoutMilliseconds == 300)
        let adminClient = DatabaseClient(configuration: database.adminConfiguration(admin), backgroundLogger: logger)
        let engineClient = DatabaseClient(configuration: database, backgroundLogger: logger)
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await adminClient.run() }
            group.addTask { await engineClient.run() }
            defer { group.cancelAll() }
            do {
                let rows = try await adminClient.query("SHOW statement_timeout", logger: logger)
                #expect(try await WorkflowStore.first(rows.decode(String.self)) == "300ms")
                let engine = try await engineClient.query("SHOW statement_timeout", logger: logger)
                #expect(try await WorkflowStore.first(engine.decode(String.self)) == "0")
                let error = await #expect(throws: PSQLError.self) {
                    for try await _ in try await adminClient.query("SELECT pg_sleep(5)", logger: logger) {}
                }
                #expect(error?.serverInfo?[.sqlState] == "57014")
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}
