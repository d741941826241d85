import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A TCP connection to a test listener that sends bytes exactly as given and records what comes
/// back: for clients that stall, trickle or never speak, which no HTTP client library can be made
/// to be. Waits are on events (bytes, close) with a deadline, never sleeps.
final class RawConnection: Sendable {
    let channel: any Channel
    private let received: ReceivedBytes

    private init(channel: any Channel, received: ReceivedBytes) {
        self.channel = channel
        self.received = received
    }

    static func open(port: Int, host: String = "127.0.0.1") async throws -> RawConnection {
        let received = ReceivedBytes()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ReceivedBytesHandler(received: received))
                }
            }
            .connect(host: host, port: port).get()
        return RawConnection(channel: channel, received: received)
    }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text))
    }

    /// Everything the server sent so far, as text.
    var text: String { received.text }

    var isOpen: Bool { channel.isActive }

    /// Waits for the server to close the connection: true once it has, false if it is still open
    /// after `limit`.
    func closed(within limit: Duration) async -> Bool {
        let outcome = channel.eventLoop.makePromise(of: Bool.self)
        channel.closeFuture.whenComplete { _ in outcome.succeed(true) }
        let deadline = channel.eventLoop.scheduleTask(in: TimeAmount(limit)) { outcome.succeed(false) }
        let result = (try? await outcome.futureResult.get()) ?? false
        deadline.cancel()
        return result
    }

    /// Waits until what came back satisfies `condition`: false if the connection closed, or
    /// `limit` passed, without it.
    func received(within limit: Duration, _ condition: @escaping @Sendable (String) -> Bool) async -> Bool {
        let outcome = channel.eventLoop.makePromise(of: Bool.self)
        received.wait(for: condition, outcome)
        let deadline = channel.eventLoop.scheduleTask(in: TimeAmount(limit)) { outcome.succeed(false) }
        let result = (try? await outcome.futureResult.get()) ?? false
        deadline.cancel()
        return result
    }

    /// Waits for one complete HTTP response (head and a `Content-Length` body) after the
    /// `count - 1` before it.
    func responses(_ count: Int, within limit: Duration) async -> Bool {
        await received(within: limit) { RawConnection.completeResponses(in: $0) >= count }
    }

    func close() async {
        try? await channel.close()
    }

    /// How many whole responses with a `Content-Length` the text holds.
    static func completeResponses(in text: String) -> Int {
        var rest = Substring(text)
        var count = 0
        while let headEnd = rest.range(of: "\r\n\r\n") {
            let head = rest[..<headEnd.lowerBound].lowercased()
            let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            let body = rest[headEnd.upperBound...]
            guard body.utf8.count >= length else { break }
            rest = Substring(String(decoding: body.utf8.dropFirst(length), as: UTF8.self))
            count += 1
        }
        return count
    }
}

/// What a ``RawConnection`` received, and who waits for what.
final class ReceivedBytes: Sendable {
    private struct State {
        var bytes: [UInt8] = []
        var closed = false
        var waiters: [(condition: @Sendable (String) -> Bool, outcome: EventLoopPromise<Bool>)] = []
    }

    private let state = Mutex(State())

    var text: String { state.withLock { String(decoding: $0.bytes, as: UTF8.self) } }

    func wait(for condition: @escaping @Sendable (String) -> Bool, _ outcome: EventLoopPromise<Bool>) {
        let answer: Bool? = state.withLock { state in
            if condition(String(decoding: state.bytes, as: UTF8.self)) { return true }
            if state.closed { return false }
            state.waiters.append((condition, outcome))
            return nil
        }
        if let answer { outcome.succeed(answer) }
    }

    func append(_ buffer: ByteBuffer) {
        let satisfied = state.withLock { state in
            state.bytes.append(contentsOf: buffer.readableBytesView)
            let text = String(decoding: state.bytes, as: UTF8.self)
            let (done, waiting) = (state.waiters.filter { $0.condition(text) }, state.waiters.filter { !$0.condition(text) })
            state.waiters = waiting
            return done.map(\.outcome)
        }
        for outcome in satisfied { outcome.succeed(true) }
    }

    func close() {
        let waiting = state.withLock { state in
            state.closed = true
            defer { state.waiters = [] }
            return state.waiters.map(\.outcome)
        }
        for outcome in waiting { outcome.succeed(false) }
    }
}

private final class ReceivedBytesHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let received: ReceivedBytes

    init(received: ReceivedBytes) {
        self.received = received
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received.append(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        received.close()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
