import Logging
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request body makes no progress for this long while the server is
/// waiting for it (`SUNDIAL_HTTP_BODY_TIMEOUT_SECONDS`): a client that announces a body and then
/// stalls, or trickles it, holds a connection and a route's task otherwise.
///
/// The clock runs only while a read is outstanding, from the moment the server asks for more
/// of a body until a part of it arrives. A route that is busy before it reads its body holds the
/// reads back (the async channel's back pressure), and that wait is not the client's fault.
final class RequestBodyTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount
    private let logger: Logger
    private var timer: Scheduled<Void>?
    /// Between a request's head and its end.
    private var inBody = false

    init(timeout: Duration, logger: Logger) {
        self.timeout = TimeAmount(timeout)
        self.logger = logger
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: inBody = true
        case .body: break
        case .end: inBody = false
        }
        stop()
        context.fireChannelRead(data)
    }

    func read(context: ChannelHandlerContext) {
        if inBody { start(context) }
        context.read()
    }

    private func start(_ context: ChannelHandlerContext) {
        guard timer == nil else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            timer = nil
            guard inBody else { return }
            ConnectionClosure.bodyTimeout.record(context.channel, logger: logger)
            context.close(promise: nil)
        }
    }

    private func stop() {
        timer?.cancel()
        timer = nil
    }
}
