/// A file the warehouse export wrote: its relative path, size and SHA-256, as the manifest lists
/// them so a loader can check what it loads.
public struct StoredFile: Sendable, Codable, Equatable {
    public var path: String
    public var bytes: Int
    /// Lowercase hex SHA-256 of the contents.
    public var sha256: String

    public init(path: String, bytes: Int, sha256: String) {
        self.path = path
        self.bytes = bytes
        self.sha256 = sha256
    }
}
