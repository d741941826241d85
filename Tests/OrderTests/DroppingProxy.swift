import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP proxy to a local server that cuts its first connection once the client has
/// sent `dropAfter` bytes, and forwards every later connection whole: a network drop in the
/// middle of an SFTP upload, for the batch's retry test.
final class DroppingProxy: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let target: Int
    private let dropAfter: Int
    private let lock = NSLock()
    private var connections = 0
    private var closed = false

    /// How many connections the proxy accepted.
    var accepted: Int { lock.withLock { connections } }

    init(targetPort: Int, dropAfter: Int) throws {
        target = targetPort
        self.dropAfter = dropAfter
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        guard bound == 0, listen(listener, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    func close() {
        lock.withLock { closed = true }
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let number = lock.withLock { () -> Int in connections += 1; return connections }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = in_port_t(UInt16(target).bigEndian)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { Glibc.close(client); Glibc.close(server); continue }
            let limit = number == 1 ? dropAfter : Int.max
            Thread.detachNewThread { Self.pump(from: client, to: server, limit: limit) }
            Thread.detachNewThread { Self.pump(from: server, to: client, limit: Int.max) }
        }
    }

    /// Copies bytes until either side closes or `limit` bytes went through; then cuts both.
    private static func pump(from source: Int32, to sink: Int32, limit: Int) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var total = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(source, $0.baseAddress, min($0.count, max(1, limit - total)), 0) }
            if count <= 0 { break }
            var sent = 0
            while sent < count {
                let n = buffer.withUnsafeBytes { send(sink, $0.baseAddress! + sent, count - sent, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { break }
                sent += n
            }
            total += count
            if total >= limit { break }
        }
        shutdown(source, Int32(SHUT_RDWR))
        shutdown(sink, Int32(SHUT_RDWR))
    }
}
