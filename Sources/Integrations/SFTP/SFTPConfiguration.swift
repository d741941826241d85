import Foundation

/// Where and how to upload files over SFTP: the QuickBooks import folder of INT-010.
public struct SFTPConfiguration: Sendable {
    public enum Authentication: Sendable {
        /// An ed25519 (or ECDSA) private key file; libssh2 here signs RSA with SHA-1, which
        /// current OpenSSH refuses, so RSA keys are not supported.
        case privateKey(path: String, passphrase: String? = nil)
        case password(String)
    }

    public var host: String
    public var port: Int
    public var username: String
    public var authentication: Authentication
    /// The server's host key fingerprint as `ssh-keygen -l -E sha256` prints it
    /// (`SHA256:base64`). A server presenting another key is refused.
    public var hostKeyFingerprint: String
    /// The folder files land in.
    public var directory: String
    public var timeout: Duration

    public init(host: String, port: Int = 22, username: String, authentication: Authentication,
                hostKeyFingerprint: String, directory: String, timeout: Duration = .seconds(30)) {
        self.host = host
        self.port = port
        self.username = username
        self.authentication = authentication
        self.hostKeyFingerprint = hostKeyFingerprint
        self.directory = directory
        self.timeout = timeout
    }
}
