import Crypto
import Foundation

/// A server's host key as configured for pinning: either a `known_hosts` line
/// (`[host]:port ssh-ed25519 AAAA…`, as `ssh-keyscan` prints it) or the key's fingerprint
/// (`SHA256:…`, as `ssh-keygen -l -E sha256` prints it). Exists so operators can paste either
/// into `SUNDIAL_SFTP_HOST_KEY`; both become the `SHA256:` fingerprint ``SFTPFileDrop`` checks.
public struct KnownHostsEntry: Sendable, Equatable {
    /// `SHA256:<base64 without padding>` of the key blob.
    public let fingerprint: String

    /// Nil when `text` is neither a fingerprint nor a known_hosts line with a base64 key.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("SHA256:") {
            guard trimmed.count > 7 else { return nil }
            fingerprint = trimmed
            return
        }
        // Fields: [marker] hosts keytype base64 [comment]; the key follows its type.
        let fields = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let typeIndex = fields.firstIndex(where: Self.isKeyType), typeIndex + 1 < fields.count,
              let blob = Data(base64Encoded: fields[typeIndex + 1]), !blob.isEmpty
        else { return nil }
        let digest = Data(SHA256.hash(data: blob))
        fingerprint = "SHA256:" + digest.base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    private static func isKeyType(_ field: String) -> Bool {
        field.hasPrefix("ssh-") || field.hasPrefix("ecdsa-sha2-") || field.hasPrefix("sk-")
    }
}
