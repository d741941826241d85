import Logging
import Metrics
import NIOCore

/// Why the listener closed a connection on its own (an idle connection closed by Hummingbird's
/// idle timeout is not counted here). Each closure is counted in
/// `sundial_http_connections_closed_total{reason}` and logged at debug level with the peer's
/// address, so an operator can tell a flood of slow clients from a bug.
enum ConnectionClosure: String, Sendable {
    case overCapacity = "over_capacity"
    case headerTimeout = "header_timeout"
    case bodyTimeout = "body_timeout"
    case tlsHandshakeTimeout = "tls_handshake_timeout"
    case bodyTooLarge = "body_too_large"

    static let metric = "sundial_http_connections_closed_total"

    func record(_ channel: any Channel, logger: Logger) {
        Counter(label: Self.metric, dimensions: [("reason", rawValue)]).increment()
        logger.debug("connection closed", metadata: [
            "reason": "\(rawValue)", "peer": "\(channel.remoteAddress?.ipAddress ?? "unknown")",
        ])
    }
}
