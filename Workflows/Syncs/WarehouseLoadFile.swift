import Integrations

/// One file of a warehouse run as its manifest lists it: the table, the hour partition, the row
/// count, size and checksum, and the range of history positions its rows came from.
public struct WarehouseLoadFile: Codable, Sendable, Equatable {
    /// `orders`, `shipments` or `events`.
    public var table: String
    public var path: String
    /// `2026-11-26`, `09` (UTC).
    public var day: String
    public var hour: String
    public var rows: Int
    public var bytes: Int
    public var sha256: String
    /// The chunk of the run it was written in (from 0).
    public var chunk: Int

    public init(table: String, path: String, day: String, hour: String, rows: Int, stored: StoredFile, chunk: Int) {
        self.table = table
        self.path = path
        self.day = day
        self.hour = hour
        self.rows = rows
        self.bytes = stored.bytes
        self.sha256 = stored.sha256
        self.chunk = chunk
    }
}
