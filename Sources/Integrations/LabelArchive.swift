import Foundation

/// Where bought label documents are kept, under the order id (INT-003: "PDF stored in Cloud
/// Storage"). Exists so the workflow stores a label without knowing whether it lands in a
/// folder or an object store. Storing the same label twice overwrites it (idempotent).
public protocol LabelArchive: Sendable {
    /// Stores `label` for `orderID` and returns where it is (a path or URL).
    func store(_ label: ShippingLabel, orderID: String) async throws -> String
}

/// A ``LabelArchive`` in a local (or mounted) folder: `<root>/<order id>/<carrier>-<tracking>.<ext>`,
/// written atomically (temporary file, then rename).
public struct FolderLabelArchive: LabelArchive {
    public let root: URL

    public init(root: URL) { self.root = root }

    public func store(_ label: ShippingLabel, orderID: String) async throws -> String {
        let safeOrder = Self.safeName(orderID)
        let folder = root.appendingPathComponent(safeOrder, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let name = "\(Self.safeName(label.carrier.lowercased()))-\(Self.safeName(label.trackingNumber)).\(label.imageFormat.lowercased())"
        let file = folder.appendingPathComponent(name)
        try Data(label.labelImage).write(to: file, options: .atomic)
        return file.path
    }

    /// Keeps letters, digits, `-`, `_` and `.` (no path separators, no `..`).
    static func safeName(_ text: String) -> String {
        let kept = text.unicodeScalars.map { scalar -> Character in
            CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII || "-_.".unicodeScalars.contains(scalar) ? Character(scalar) : "_"
        }
        let name = String(kept)
        return name.isEmpty || name.allSatisfy({ $0 == "." }) ? "_" : name
    }
}
