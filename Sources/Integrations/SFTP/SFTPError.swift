import Sundial

/// Why an SFTP upload failed, classified for the retry policy: network trouble is worth a
/// retry, a wrong host key or a refused login is not.
public enum SFTPError: Error, RetryClassifiable, CustomStringConvertible, Equatable {
    case connectionFailed(host: String, port: Int, reason: String)
    case hostKeyMismatch(expected: String, presented: String)
    case authenticationFailed(user: String, reason: String)
    case transferFailed(step: String, reason: String)
    /// A different file already has the target name.
    case targetExists(path: String)
    case invalidFileName(String)

    public var retryDisposition: RetryDisposition {
        switch self {
        case .connectionFailed, .transferFailed: .retryable(after: nil)
        case .hostKeyMismatch, .authenticationFailed, .targetExists, .invalidFileName: .permanent
        }
    }

    public var description: String {
        switch self {
        case .connectionFailed(let host, let port, let reason): "SFTP: cannot reach \(host):\(port): \(reason)"
        case .hostKeyMismatch(let expected, let presented):
            "SFTP: the server's host key \(presented) is not the configured \(expected); refusing to upload"
        case .authenticationFailed(let user, let reason): "SFTP: login as \(user) refused: \(reason)"
        case .transferFailed(let step, let reason): "SFTP: \(step) failed: \(reason)"
        case .targetExists(let path): "SFTP: \(path) already exists with different content; not overwriting"
        case .invalidFileName(let name): "SFTP: '\(name)' is not a plain file name"
        }
    }
}
