import Logging
import NIOCore
import NIOTLS

/// Closes a TLS connection whose handshake is not complete this long after it was accepted
/// (`SUNDIAL_TLS_HANDSHAKE_TIMEOUT_SECONDS`). swift-nio-ssl's server handler has no such limit,
/// and until the handshake is done no HTTP timeout can see the connection: a client that
/// connects and says nothing, or stalls mid-handshake, would otherwise hold it until the idle
/// timeout. Sits right after the `NIOSSLServerHandler`, which announces the finished handshake.
final class TLSHandshakeTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let timeout: TimeAmount
    private let logger: Logger
    private var timer: Scheduled<Void>?
    private var done = false

    init(timeout: Duration, logger: Logger) {
        self.timeout = TimeAmount(timeout)
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls {
            done = true
            stop()
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func start(_ context: ChannelHandlerContext) {
        guard !done, timer == nil else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            timer = nil
            guard !done else { return }
            ConnectionClosure.tlsHandshakeTimeout.record(context.channel, logger: logger)
            context.close(promise: nil)
        }
    }

    private func stop() {
        timer?.cancel()
        timer = nil
    }
}
