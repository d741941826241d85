import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// Each connection of `sundial serve`'s listener, from accept to close: Hummingbird's HTTP/1.1
/// channel (with its idle timeout), behind TLS when configured, with the connection cap, the TLS
/// handshake timeout, the request head and body timeouts and the body cap in front of the
/// routes. The pipeline, from the socket inwards:
///
///     [TLS, handshake timeout] → HTTP/1.1 codec → head timeout → body timeout → body cap
///         → Hummingbird's idle timeout → routes
///
/// A connection over the cap gets no TLS handler and never reaches a route: it is closed as soon
/// as it is active.
struct GuardedHTTPChannel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let http: HTTP1Channel
    let tls: NIOSSLContext?
    let limits: ConnectionLimits
    let cap: ConnectionCap
    let logger: Logger

    init(responder: @escaping HTTPChannelHandler.Responder, limits: ConnectionLimits, maxBodyBytes: Int, tls: NIOSSLContext?,
         cap: ConnectionCap, logger: Logger) {
        self.http = HTTP1Channel(responder: responder, configuration: .init(
            additionalChannelHandlers: [
                RequestHeadTimeoutHandler(timeout: limits.headerTimeout, logger: logger),
                RequestBodyTimeoutHandler(timeout: limits.bodyTimeout, logger: logger),
                RequestBodyCapHandler(maxBytes: maxBodyBytes, logger: logger),
            ],
            idleTimeout: TimeAmount(limits.idleTimeout)))
        self.tls = tls
        self.limits = limits
        self.cap = cap
        self.logger = logger
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            guard cap.admit(channel) else {
                try pipeline.addHandler(ConnectionRefusalHandler(logger: self.logger))
                return
            }
            if let tls {
                try pipeline.addHandler(NIOSSLServerHandler(context: tls))
                try pipeline.addHandler(TLSHandshakeTimeoutHandler(timeout: limits.tlsHandshakeTimeout, logger: self.logger))
            }
        }.flatMap {
            http.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await http.handle(value: value, logger: logger)
    }
}
