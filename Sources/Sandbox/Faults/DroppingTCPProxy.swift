import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP proxy in front of a local server (the SFTP server) that can cut a connection in
/// the middle of a transfer and then refuse connections for a while: a network drop or a server
/// outage during an upload, for the batch's retry test and the chaos run.
///
/// Armed with ``arm(dropAfter:outage:)``, the next connection is cut once the client has sent
/// `dropAfter` bytes, and connections arriving during the `outage` that follows are refused.
/// Every other connection is forwarded whole. Blocking sockets on plain threads: each thread
/// ends when its connection or the listener closes.
public final class DroppingTCPProxy: @unchecked Sendable {
    public let port: Int
    private let listener: Int32
    private let target: Int
    private let lock = NSLock()
    private var connections = 0
    private var cuts = 0
    private var armed: (bytes: Int, outage: TimeInterval)?
    private var refusingUntil = Date.distantPast
    private var sent: [Int] = []

    /// How many connections the proxy accepted (refused ones included).
    public var accepted: Int { lock.withLock { connections } }
    /// How many connections it cut mid-transfer.
    public var dropped: Int { lock.withLock { cuts } }
    /// The bytes each finished (or cut) connection's client sent, in the order they ended.
    public var clientBytes: [Int] { lock.withLock { sent } }
    /// Whether a cut is armed and has not happened yet.
    public var isArmed: Bool { lock.withLock { armed != nil } }

    /// Listens on 127.0.0.1:`port` (0: any free port) and forwards to 127.0.0.1:`targetPort`;
    /// with `dropAfter`, the first connection is cut after that many bytes from the client.
    public init(targetPort: Int, port: Int = 0, dropAfter: Int? = nil) throws {
        target = targetPort
        armed = dropAfter.map { ($0, 0) }
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var reuse: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: port)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        guard bound == 0, listen(listener, 16) == 0 else {
            Glibc.close(listener)
            throw POSIXError(.EADDRINUSE)
        }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Cuts the next connection once its client has sent `dropAfter` bytes, then refuses new
    /// connections for `outage` seconds.
    public func arm(dropAfter: Int, outage: TimeInterval = 0) {
        lock.withLock { armed = (dropAfter, outage) }
    }

    public func close() {
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return address
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let (limit, outage, refused) = lock.withLock { () -> (Int, TimeInterval, Bool) in
                connections += 1
                if Date() < refusingUntil { return (0, 0, true) }
                guard let cut = armed else { return (Int.max, 0, false) }
                armed = nil
                return (cut.bytes, cut.outage, false)
            }
            if refused { Glibc.close(client); continue }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: target)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { Glibc.close(client); Glibc.close(server); continue }
            let downstreamDone = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                _ = Self.pump(from: server, to: client, limit: .max)
                downstreamDone.signal()
            }
            Thread.detachNewThread { [self] in
                let (bytes, cut) = Self.pump(from: client, to: server, limit: limit)
                lock.withLock {
                    sent.append(bytes)
                    if cut {
                        cuts += 1
                        refusingUntil = Date().addingTimeInterval(outage)
                    }
                }
                downstreamDone.wait()
                Glibc.close(client)
                Glibc.close(server)
            }
        }
    }

    /// Copies bytes until either side closes or `limit` bytes went through (a cut), shuts both
    /// sides down, and answers how many bytes went through and whether it cut.
    private static func pump(from source: Int32, to sink: Int32, limit: Int) -> (bytes: Int, cut: Bool) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var total = 0
        var cut = false
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
            if total >= limit { cut = true; break }
        }
        shutdown(source, Int32(SHUT_RDWR))
        shutdown(sink, Int32(SHUT_RDWR))
        return (total, cut)
    }
}
