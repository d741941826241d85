import CLibSSH2
import Foundation
import Logging
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Uploads files over SFTP with libssh2: host key pinned to the configured fingerprint, key or
/// password login, written under a temporary name then renamed, so the reader never sees half a
/// file. Each delivery opens its own session (a dropped connection mid-upload is retried by
/// the step's retry policy from scratch). libssh2 blocks, so the work runs on NIO's thread pool.
public struct SFTPFileDrop: FileDrop {
    public let configuration: SFTPConfiguration
    let logger: Logger

    public init(configuration: SFTPConfiguration, logger: Logger = Logger(label: "sundial.sftp")) {
        self.configuration = configuration
        self.logger = logger
    }

    public func deliver(_ contents: [UInt8], as fileName: String) async throws {
        guard !fileName.isEmpty, !fileName.contains("/"), !fileName.hasPrefix(".") else {
            throw SFTPError.invalidFileName(fileName)
        }
        _ = LibSSH2Runtime.initialized
        let configuration = self.configuration
        try await NIOThreadPool.singleton.runIfActive {
            let session = try SFTPSession(configuration: configuration)
            defer { session.close() }
            try session.uploadAtomically(contents, fileName: fileName)
        }
        logger.info("uploaded file over SFTP", metadata: [
            "file": "\(fileName)", "bytes": "\(contents.count)", "host": "\(configuration.host)",
        ])
    }
}

/// `libssh2_init` is process-wide; done once, on first use.
enum LibSSH2Runtime {
    static let initialized: Bool = libssh2_init(0) == 0
}

/// One connected, authenticated SFTP session. Not thread-safe: used by one pool thread at a time.
final class SFTPSession {
    private let configuration: SFTPConfiguration
    private let socket: Int32
    private let session: OpaquePointer
    private let sftp: OpaquePointer

    init(configuration: SFTPConfiguration) throws {
        self.configuration = configuration
        socket = try Self.connect(host: configuration.host, port: configuration.port, timeout: configuration.timeout)
        guard let session = libssh2_session_init_ex(nil, nil, nil, nil) else {
            Glibc.close(socket)
            throw SFTPError.transferFailed(step: "session init", reason: "libssh2 could not allocate a session")
        }
        self.session = session
        libssh2_session_set_blocking(session, 1)
        libssh2_session_set_timeout(session, Int(configuration.timeout.seconds * 1000))
        do {
            guard libssh2_session_handshake(session, socket) == 0 else {
                throw SFTPError.connectionFailed(host: configuration.host, port: configuration.port, reason: Self.lastError(session))
            }
            try Self.verifyHostKey(session, expected: configuration.hostKeyFingerprint)
            try Self.authenticate(session, configuration: configuration)
            guard let sftp = libssh2_sftp_init(session) else {
                throw SFTPError.transferFailed(step: "sftp init", reason: Self.lastError(session))
            }
            self.sftp = sftp
        } catch {
            libssh2_session_disconnect_ex(session, SSH_DISCONNECT_BY_APPLICATION, "error", "")
            libssh2_session_free(session)
            Glibc.close(socket)
            throw error
        }
    }

    func close() {
        libssh2_sftp_shutdown(sftp)
        libssh2_session_disconnect_ex(session, SSH_DISCONNECT_BY_APPLICATION, "done", "")
        libssh2_session_free(session)
        Glibc.close(socket)
    }

    /// Writes `.<name>.part`, then renames it to `<name>`. If `<name>` already exists with the
    /// same size (an earlier attempt that renamed but was not recorded), that counts as done.
    func uploadAtomically(_ contents: [UInt8], fileName: String) throws {
        let directory = configuration.directory.hasSuffix("/") ? String(configuration.directory.dropLast()) : configuration.directory
        let target = "\(directory)/\(fileName)"
        let temporary = "\(directory)/.\(fileName).part"
        if let size = try sizeOfFile(target) {
            if size == UInt64(contents.count) { return }
            throw SFTPError.targetExists(path: target)
        }
        try write(contents, to: temporary)
        let renamed = temporary.withCString { from in
            target.withCString { to in
                libssh2_sftp_rename_ex(sftp, from, UInt32(strlen(from)), to, UInt32(strlen(to)),
                                       Int(LIBSSH2_SFTP_RENAME_ATOMIC | LIBSSH2_SFTP_RENAME_NATIVE))
            }
        }
        guard renamed == 0 else {
            throw SFTPError.transferFailed(step: "rename to \(fileName)", reason: sftpError())
        }
    }

    private func write(_ contents: [UInt8], to path: String) throws {
        let flags = UInt(LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_TRUNC)
        let handle = path.withCString { libssh2_sftp_open_ex(sftp, $0, UInt32(strlen($0)), flags, 0o644, LIBSSH2_SFTP_OPENFILE) }
        guard let handle else { throw SFTPError.transferFailed(step: "open \(path)", reason: sftpError()) }
        defer { libssh2_sftp_close_handle(handle) }
        var offset = 0
        try contents.withUnsafeBufferPointer { buffer in
            while offset < buffer.count {
                let written = buffer.baseAddress!.advanced(by: offset).withMemoryRebound(to: CChar.self, capacity: buffer.count - offset) {
                    libssh2_sftp_write(handle, $0, buffer.count - offset)
                }
                guard written > 0 else { throw SFTPError.transferFailed(step: "write \(path)", reason: sftpError()) }
                offset += written
            }
        }
    }

    /// The size of `path`, or nil when it does not exist.
    private func sizeOfFile(_ path: String) throws -> UInt64? {
        var attributes = LIBSSH2_SFTP_ATTRIBUTES()
        let result = path.withCString { libssh2_sftp_stat_ex(sftp, $0, UInt32(strlen($0)), LIBSSH2_SFTP_STAT, &attributes) }
        if result == 0 { return attributes.filesize }
        if libssh2_sftp_last_error(sftp) == UInt(LIBSSH2_FX_NO_SUCH_FILE) { return nil }
        throw SFTPError.transferFailed(step: "stat \(path)", reason: sftpError())
    }

    private func sftpError() -> String {
        "sftp status \(libssh2_sftp_last_error(sftp)); \(Self.lastError(session))"
    }

    private static func lastError(_ session: OpaquePointer) -> String {
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        let code = libssh2_session_last_error(session, &message, &length, 0)
        return "libssh2 error \(code): \(message.map { String(cString: $0) } ?? "unknown")"
    }

    private static func verifyHostKey(_ session: OpaquePointer, expected: String) throws {
        guard let hash = libssh2_hostkey_hash(session, LIBSSH2_HOSTKEY_HASH_SHA256) else {
            throw SFTPError.hostKeyMismatch(expected: expected, presented: "none")
        }
        let bytes = Data(bytes: hash, count: 32)
        let presented = "SHA256:" + bytes.base64EncodedString().replacingOccurrences(of: "=", with: "")
        let wanted = expected.replacingOccurrences(of: "=", with: "")
        guard presented == wanted else { throw SFTPError.hostKeyMismatch(expected: expected, presented: presented) }
    }

    private static func authenticate(_ session: OpaquePointer, configuration: SFTPConfiguration) throws {
        let user = configuration.username
        let result: Int32
        switch configuration.authentication {
        case .privateKey(let path, let passphrase):
            result = user.withCString { userPointer in
                libssh2_userauth_publickey_fromfile_ex(session, userPointer, UInt32(strlen(userPointer)), nil, path, passphrase)
            }
        case .password(let password):
            result = user.withCString { userPointer in
                password.withCString { passwordPointer in
                    libssh2_userauth_password_ex(session, userPointer, UInt32(strlen(userPointer)), passwordPointer,
                                                 UInt32(strlen(passwordPointer)), nil)
                }
            }
        }
        guard result == 0 else { throw SFTPError.authenticationFailed(user: user, reason: lastError(session)) }
    }

    private static func connect(host: String, port: Int, timeout: Duration) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &results)
        guard status == 0, let first = results else {
            throw SFTPError.connectionFailed(host: host, port: port, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(results) }
        var lastReason = "no address"
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let address = candidate {
            let fd = Glibc.socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            if fd >= 0 {
                var limit = timeval(tv_sec: Int(timeout.seconds), tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
                if Glibc.connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 { return fd }
                lastReason = String(cString: strerror(errno))
                Glibc.close(fd)
            }
            candidate = address.pointee.ai_next
        }
        throw SFTPError.connectionFailed(host: host, port: port, reason: lastReason)
    }
}
