import Crypto
import Foundation
import Sundial

/// ``WarehouseFiles`` in a local or mounted folder (`SUNDIAL_WAREHOUSE_DIR`): each file is
/// written to a hidden temporary name in its target folder and renamed over the final name, so a
/// loader never sees a partial file and a rewrite replaces the old one whole (and removes what a
/// killed writer of the same name left behind).
public struct FolderWarehouseFiles: WarehouseFiles {
    public let root: URL

    public init(root: URL) { self.root = root }

    public func write(_ contents: [UInt8], to path: String) async throws -> StoredFile {
        let parts = path.split(separator: "/").map(String.init)
        guard !parts.isEmpty, !path.hasPrefix("/"), parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && !$0.hasPrefix(".") }) else {
            throw WorkflowError.permanent("warehouse file path '\(path)' must be relative, without empty, '.', '..' or hidden parts")
        }
        let file = parts.reduce(root) { $0.appendingPathComponent($1) }
        let folder = file.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp")
        try Data(contents).write(to: temporary)
        if rename(temporary.path, file.path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(at: temporary)
            throw WorkflowError.retryable("cannot rename into \(file.path): \(String(cString: strerror(code)))")
        }
        // A worker killed between writing and renaming leaves its temporary file; the rewrite of
        // the same name (the retried step) clears it.
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in leftovers where name.hasPrefix(".\(file.lastPathComponent).") && name.hasSuffix(".tmp") {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
        let digest = SHA256.hash(data: contents).map { String(format: "%02x", $0) }.joined()
        return StoredFile(path: path, bytes: contents.count, sha256: digest)
    }
}
