import Logging
import NIOCore
import NIOHTTPTypes

/// The server-wide cap on request bodies (`SUNDIAL_HTTP_MAX_BODY_BYTES`) where the bytes arrive,
/// so no body over it is ever buffered, whichever route it is sent to and whether or not that
/// route reads it:
///
/// - a head that declares a `Content-Length` over the cap is passed on (the size middleware,
///   ahead of routing and authentication, answers it 413 without reading), but none of its body;
/// - a body without a declared length (chunked) is passed on until it crosses the cap; then the
///   body stream fails with ``RequestBodyTooLarge``, which a route reading it gets at once and
///   the size middleware answers 413, and nothing more of it is passed on.
///
/// Either way the answer says `Connection: close`, and once it is written the connection
/// lingers before it closes, as nginx's does: what the client still sends is read and thrown
/// away until it stops (it closes, or sends nothing for ``lingerPause``), for at most
/// ``lingerLimit``. Closing at once, with the client still sending, makes the kernel reset the
/// connection, and a client busy writing its body often never reads the 413.
final class RequestBodyCapHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    static let lingerPause = TimeAmount.seconds(5)
    static let lingerLimit = TimeAmount.seconds(30)

    private let maxBytes: Int
    private let logger: Logger
    /// Body bytes of the current request passed on so far.
    private var received = 0
    /// The current request's body went, or was declared, over the cap.
    private var refused = false
    /// Since the refusal was written: discarding what arrives until the connection closes.
    private var lingerStarted: NIODeadline?
    private var lingerTimer: Scheduled<Void>?

    init(maxBytes: Int, logger: Logger) {
        self.maxBytes = maxBytes
        self.logger = logger
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        lingerTimer?.cancel()
    }

    func channelInactive(context: ChannelHandlerContext) {
        lingerTimer?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Once a body is over the cap nothing more of this connection reaches the routes.
        guard !refused else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            received = 0
            if let declared = head.headerFields[.contentLength].flatMap({ Int($0) }), declared > maxBytes {
                refused = true
                ConnectionClosure.bodyTooLarge.record(context.channel, logger: logger)
            }
            context.fireChannelRead(data)
        case .body(let chunk):
            received += chunk.readableBytes
            guard received <= maxBytes else {
                refused = true
                ConnectionClosure.bodyTooLarge.record(context.channel, logger: logger)
                context.fireErrorCaught(RequestBodyTooLarge(limit: maxBytes))
                return
            }
            context.fireChannelRead(data)
        case .end:
            context.fireChannelRead(data)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Lingering: bytes arrived (thrown away above); wait for more, and keep reading.
        if lingerStarted != nil {
            linger(context)
            context.read()
        }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if lingerStarted != nil, case ChannelEvent.inputClosed = event {
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard refused else { return context.write(data, promise: promise) }
        switch unwrapOutboundIn(data) {
        case .head(var head):
            head.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            context.writeAndFlush(data, promise: promise)
            lingerStarted = .now()
            linger(context)
            context.read()
        }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        // The routes are done with the connection, but it is still lingering: close it then.
        guard lingerStarted != nil, mode == .all, context.channel.isActive else {
            return context.close(mode: mode, promise: promise)
        }
        if let promise { context.channel.closeFuture.cascade(to: promise) }
    }

    /// (Re)arms the timer that closes a lingering connection: `lingerPause` after the last
    /// bytes, and never later than `lingerLimit` after the refusal.
    private func linger(_ context: ChannelHandlerContext) {
        guard let started = lingerStarted else { return }
        lingerTimer?.cancel()
        let deadline = min(NIODeadline.now() + Self.lingerPause, started + Self.lingerLimit)
        lingerTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            context.close(promise: nil)
        }
    }
}

/// A request body went over the server-wide cap while it was being read. The size middleware
/// answers it 413 `body_too_large`; the dashboard's form reader answers its own 413 page.
public struct RequestBodyTooLarge: Error, CustomStringConvertible, Sendable {
    public let limit: Int

    public var description: String { "the body is larger than the server's limit of \(limit) bytes" }
}
