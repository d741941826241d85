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
/// Either way the response says `Connection: close` and the connection is closed once it is
/// written: the rest of the body is never read.
final class RequestBodyCapHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let maxBytes: Int
    private let logger: Logger
    /// Body bytes of the current request passed on so far.
    private var received = 0
    /// The current request's body went, or was declared, over the cap.
    private var refused = false

    init(maxBytes: Int, logger: Logger) {
        self.maxBytes = maxBytes
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Once a body is over the cap nothing more is read from this connection.
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

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard refused else { return context.write(data, promise: promise) }
        switch unwrapOutboundIn(data) {
        case .head(var head):
            head.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            let written = context.eventLoop.makePromise(of: Void.self)
            if let promise { written.futureResult.cascade(to: promise) }
            context.writeAndFlush(data, promise: written)
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}

/// A request body went over the server-wide cap while it was being read. The size middleware
/// answers it 413 `body_too_large`; the dashboard's form reader answers its own 413 page.
public struct RequestBodyTooLarge: Error, CustomStringConvertible, Sendable {
    public let limit: Int

    public var description: String { "the body is larger than the server's limit of \(limit) bytes" }
}
