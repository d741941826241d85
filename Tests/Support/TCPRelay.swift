import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP relay on 127.0.0.1 in front of a server: every byte goes through unchanged and is kept
/// (client to server, server to client), and the relay can die at once, as a host that crashed.
/// Exists for tests of what crosses the database link (TLS) and of a primary that disappears.
public final class TCPRelay: Sendable {
    public let port: Int
    private let listener: any Channel
    private let state: NIOLockedValueBox<State>

    struct State {
        var upstream: [UInt8] = []
        var downstream: [UInt8] = []
        var channels: [any Channel] = []
        var dead = false
    }

    /// Starts relaying `127.0.0.1:<port>` to `targetHost:targetPort`.
    public init(targetHost: String, targetPort: Int) async throws {
        let state = NIOLockedValueBox(State())
        self.state = state
        let group = MultiThreadedEventLoopGroup.singleton
        listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { inbound in
                if state.withLockedValue({ $0.dead }) { return inbound.close() }
                return ClientBootstrap(group: inbound.eventLoop)
                    .connect(host: targetHost, port: targetPort)
                    .flatMap { outbound in
                        state.withLockedValue { $0.channels += [inbound, outbound] }
                        let (toServer, toClient) = Pipe.pair(record: state)
                        toServer.partner = outbound
                        toClient.partner = inbound
                        return inbound.pipeline.addHandler(toServer).flatMap { outbound.pipeline.addHandler(toClient) }
                    }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = listener.localAddress?.port ?? 0
    }

    /// Everything the client sent so far.
    public var clientBytes: [UInt8] { state.withLockedValue { $0.upstream } }
    /// Everything the server sent so far.
    public var serverBytes: [UInt8] { state.withLockedValue { $0.downstream } }

    /// Stops listening and drops every connection, as a host that died.
    public func kill() async {
        let channels = state.withLockedValue { state in
            state.dead = true
            return state.channels
        }
        try? await listener.close()
        for channel in channels { try? await channel.close() }
    }

    /// One direction of a relayed connection: reads from its channel, writes to the partner.
    final class Pipe: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        var partner: (any Channel)?
        private let record: NIOLockedValueBox<State>
        private let upstream: Bool

        init(record: NIOLockedValueBox<State>, upstream: Bool) {
            self.record = record
            self.upstream = upstream
        }

        static func pair(record: NIOLockedValueBox<State>) -> (Pipe, Pipe) {
            (Pipe(record: record, upstream: true), Pipe(record: record, upstream: false))
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            let bytes = Array(buffer.readableBytesView)
            record.withLockedValue { state in
                if upstream { state.upstream += bytes } else { state.downstream += bytes }
            }
            partner?.writeAndFlush(buffer, promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            partner?.close(promise: nil)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
