import Foundation
import SundialEngine

/// How long `sundial serve` waits for a client and how many clients it serves at once: the limits
/// a reverse proxy would otherwise enforce, for a server that faces the network itself. Without
/// them a few hundred sockets that never send a request, or send it a byte at a time, hold the
/// intake's connections forever. Defaults follow nginx (`keepalive_timeout 75s`,
/// `client_body_timeout 60s`), with a shorter header timeout (nginx: 60 s) since no honest client
/// needs half a minute to send a request head.
public struct ConnectionLimits: Sendable, Equatable {
    /// A connection with no request in progress is closed after this long without one
    /// (`SUNDIAL_HTTP_IDLE_TIMEOUT_SECONDS`). Includes a connection that never sends anything.
    public var idleTimeout: Duration
    /// A request head must be complete this long after its first byte arrived
    /// (`SUNDIAL_HTTP_HEADER_TIMEOUT_SECONDS`), else the connection is closed.
    public var headerTimeout: Duration
    /// A request body that makes no progress for this long, while the server is reading it,
    /// closes its connection (`SUNDIAL_HTTP_BODY_TIMEOUT_SECONDS`).
    public var bodyTimeout: Duration
    /// A TLS client must finish its handshake this long after connecting
    /// (`SUNDIAL_TLS_HANDSHAKE_TIMEOUT_SECONDS`).
    public var tlsHandshakeTimeout: Duration
    /// Connections served at once (`SUNDIAL_HTTP_MAX_CONNECTIONS`); one more is closed as soon as
    /// it is accepted, so the ones inside keep being served.
    public var maxConnections: Int

    public static let defaultIdleTimeout = Duration.seconds(75)
    public static let defaultHeaderTimeout = Duration.seconds(30)
    public static let defaultBodyTimeout = Duration.seconds(60)
    public static let defaultTLSHandshakeTimeout = Duration.seconds(10)
    public static let defaultMaxConnections = 1000

    public init(idleTimeout: Duration = defaultIdleTimeout, headerTimeout: Duration = defaultHeaderTimeout,
                bodyTimeout: Duration = defaultBodyTimeout, tlsHandshakeTimeout: Duration = defaultTLSHandshakeTimeout,
                maxConnections: Int = defaultMaxConnections) {
        self.idleTimeout = idleTimeout
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.tlsHandshakeTimeout = tlsHandshakeTimeout
        self.maxConnections = maxConnections
    }

    /// Reads the `SUNDIAL_HTTP_*_TIMEOUT_SECONDS`, `SUNDIAL_TLS_HANDSHAKE_TIMEOUT_SECONDS` and
    /// `SUNDIAL_HTTP_MAX_CONNECTIONS` variables.
    public static func fromEnvironment(_ reader: EnvironmentReader = EnvironmentReader()) throws -> ConnectionLimits {
        ConnectionLimits(
            idleTimeout: try reader.seconds("SUNDIAL_HTTP_IDLE_TIMEOUT_SECONDS", default: defaultIdleTimeout, range: 1...3600),
            headerTimeout: try reader.seconds("SUNDIAL_HTTP_HEADER_TIMEOUT_SECONDS", default: defaultHeaderTimeout, range: 1...600),
            bodyTimeout: try reader.seconds("SUNDIAL_HTTP_BODY_TIMEOUT_SECONDS", default: defaultBodyTimeout, range: 1...3600),
            tlsHandshakeTimeout: try reader.seconds("SUNDIAL_TLS_HANDSHAKE_TIMEOUT_SECONDS", default: defaultTLSHandshakeTimeout,
                                                    range: 1...120),
            maxConnections: try reader.int("SUNDIAL_HTTP_MAX_CONNECTIONS", default: defaultMaxConnections, range: 1...100_000))
    }
}
