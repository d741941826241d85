import Foundation
import Testing
@testable import SundialEngine

@Suite("Bundled migrations")
struct BundledMigrationsTests {
    @Test("the binary carries exactly the files in Migrations/, in order and unchanged")
    func bundleMatchesFolder() throws {
        // Tests/SundialEngineTests/<this file> → the package root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("Migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(Migration.bundled.map(\.fileName) == files, "a stale build: run `swift build` again so the plugin re-embeds Migrations/")
        for migration in Migration.bundled {
            let onDisk = try String(contentsOf: folder.appendingPathComponent(migration.fileName), encoding: .utf8)
            #expect(migration.sql == onDisk, "\(migration.fileName) differs from the embedded copy")
        }
        // 0007 is reserved for a branch in flight (the admin API took 0008); drop it from this set
        // once 0007_*.sql is merged.
        let reserved: Set<Int> = Migration.bundled.contains { $0.version == 7 } ? [] : [7]
        let expected = Array(1...(Migration.bundled.count + reserved.count)).filter { !reserved.contains($0) }
        #expect(Migration.bundled.map(\.version) == expected, "migration numbers must be 1, 2, 3, … without gaps")
    }
}
