/// One numbered SQL file from `Migrations/`, embedded in the binary at build time.
public struct Migration: Sendable, Equatable {
    /// The number the file name starts with (`0001_workflows.sql` is 1).
    public let version: Int
    public let fileName: String
    public let sql: String

    public init(version: Int, fileName: String, sql: String) {
        self.version = version
        self.fileName = fileName
        self.sql = sql
    }

    /// The migrations this binary carries, in order.
    public static let bundled: [Migration] = EmbeddedMigrations.files.compactMap { file in
        guard let version = Int(file.name.prefix { $0.isNumber }) else { return nil }
        return Migration(version: version, fileName: file.name, sql: file.sql)
    }

    /// The schema version this binary needs: the highest bundled migration.
    public static var requiredVersion: Int { bundled.map(\.version).max() ?? 0 }
}
