import Logging
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request head is not complete this long after its first byte arrived
/// (`SUNDIAL_HTTP_HEADER_TIMEOUT_SECONDS`): the defence against clients that send a head a byte
/// at a time (slowloris). A connection that sends nothing at all is the idle timeout's business,
/// as is the pause between two requests of a kept-alive connection.
///
/// Sits after the HTTP decoder, which hands on whole heads only; the decoder still passes on
/// `channelReadComplete` for every read, so bytes that arrive while no request is open are the
/// start of the next head, and they start the clock.
final class RequestHeadTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount
    private let logger: Logger
    private var timer: Scheduled<Void>?
    /// Requests whose head arrived and whose response has not ended.
    private var openRequests = 0

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
        if case .head = unwrapInboundIn(data) {
            openRequests += 1
            stop()
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Bytes arrived and no request is open: part of a head that is not complete yet.
        if openRequests == 0 { start(context) }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { openRequests = max(0, openRequests - 1) }
        context.write(data, promise: promise)
    }

    private func start(_ context: ChannelHandlerContext) {
        guard timer == nil else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            timer = nil
            guard openRequests == 0 else { return }
            ConnectionClosure.headerTimeout.record(context.channel, logger: logger)
            context.close(promise: nil)
        }
    }

    private func stop() {
        timer?.cancel()
        timer = nil
    }
}
