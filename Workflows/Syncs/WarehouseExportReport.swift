/// What a warehouse export run completes with, and what its manifest
/// (`manifests/run-<run>.json`) holds: the run number, the cursor range, every file with its
/// rows and checksum, and the row count per table.
public struct WarehouseExportReport: Codable, Sendable, Equatable {
    public var sync: String
    public var run: Int
    public var workflowID: String
    /// The cursor before (`nil`: the first run) and after this run, as history positions
    /// (`<transaction>:<id>`); the run covered (from, to].
    public var cursorFrom: String?
    public var cursorTo: String?
    /// The feed's horizon the run read up to (exclusive).
    public var horizon: String
    public var files: [WarehouseLoadFile]
    /// Rows per table (`orders`, `shipments`, `events`).
    public var rows: [String: Int]
    /// Path of the manifest itself.
    public var manifest: String

    enum CodingKeys: String, CodingKey {
        case sync, run, workflowID = "workflow_id", cursorFrom = "cursor_from", cursorTo = "cursor_to", horizon, files, rows, manifest
    }
}
