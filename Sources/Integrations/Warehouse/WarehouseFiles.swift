/// Where the warehouse export leaves its load files (INT-009): newline-delimited JSON files and
/// manifests that a BigQuery load job (or any loader) picks up. Exists so the export workflow
/// writes files without knowing whether they land in a folder or a bucket. Writing a path again
/// replaces it whole (the export rewrites the same name with the same bytes after a crash), and
/// a reader never sees half a file.
public protocol WarehouseFiles: Sendable {
    /// Writes `contents` at `path` (relative, `/`-separated, e.g.
    /// `orders/dt=2026-11-26/hour=09/part-000042-0000.ndjson`) and returns what was stored.
    func write(_ contents: [UInt8], to path: String) async throws -> StoredFile
}
