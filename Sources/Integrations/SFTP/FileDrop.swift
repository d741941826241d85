import Foundation

/// Where a batch job delivers a file (the nightly sales-summary CSV): the small protocol the
/// workflows use, so they do not know about SFTP.
public protocol FileDrop: Sendable {
    /// Delivers `contents` under `fileName` atomically: the file appears whole or not at all.
    /// Delivering the same name and contents again succeeds without a second copy.
    func deliver(_ contents: [UInt8], as fileName: String) async throws
}
