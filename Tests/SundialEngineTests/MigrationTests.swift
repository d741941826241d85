import SundialTestSupport
import Foundation
import PostgresNIO
import Testing
@testable import SundialEngine

@Suite("Migrations")
struct MigrationTests {
    @Test("two concurrent migrate calls both succeed; one applies, the other finds nothing to do")
    func concurrentMigrate() async throws {
        try await TestDatabase.with(migrate: false) { db in
            let migrator = Migrator(client: db.client, schema: db.database.schema, logger: db.logger)
            async let first = migrator.migrate()
            async let second = migrator.migrate()
            let results = try await [first, second]
            #expect(results.map(\.count).sorted() == [0, Migration.bundled.count])
            let again = try await migrator.migrate()
            #expect(again.isEmpty)
            #expect(try await migrator.currentVersion() == Migration.requiredVersion)
            let recorded = try await db.scalar("SELECT count(*)::int8 FROM schema_migrations", as: Int64.self)
            #expect(recorded == Int64(Migration.bundled.count))
        }
    }

    @Test("an applied migration whose file changed is refused, naming the file")
    func checksumRefusal() async throws {
        try await TestDatabase.with { db in
            var edited = Migration.bundled
            let first = edited[0]
            edited[0] = Migration(version: first.version, fileName: first.fileName, sql: first.sql + "\n-- edited after release\n")
            let migrator = Migrator(client: db.client, schema: db.database.schema, migrations: edited, logger: db.logger)
            let error = await #expect(throws: MigrationError.self) { try await migrator.migrate() }
            let message = error.map { String(describing: $0) } ?? ""
            #expect(message.contains(first.fileName))
            #expect(message.contains("changed after it was applied"))
        }
    }

    @Test("a worker refuses to start against a schema older than it needs")
    func workerRefusesOldSchema() async throws {
        try await TestDatabase.with(migrate: false) { db in
            let error = await #expect(throws: MigrationError.self) {
                try await db.withWorker { _ in }
            }
            #expect(error == .schemaTooOld(schema: db.database.schema, current: 0, required: Migration.requiredVersion))
        }
    }

    @Test("SQL scripts split on semicolons outside quotes, dollar quotes and comments")
    func scriptSplitting() {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE a (x text DEFAULT 'semi;colon');
            /* block; comment */
            CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
            SELECT "odd;name" FROM a WHERE x = 'it''s;';
            -- trailing comment only
            """
        let statements = SQLScript.statements(in: script)
        #expect(statements.count == 3)
        #expect(statements[0].hasSuffix("DEFAULT 'semi;colon')"))
        #expect(statements[1].contains("$body$ SELECT 1; $body$"))
        #expect(statements[2].hasSuffix("'it''s;'"))
    }
}
