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
        #expect(Migration.bundled.map(\.version) == Array(1...Migration.bundled.count), "migration numbers must be 1, 2, 3, … without gaps")
    }
}
