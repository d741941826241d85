import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOSSL
import SundialEngine

/// How `sundial serve` protects its listener: TLS when a certificate is configured
/// (`SUNDIAL_TLS_CERT_FILE` + `SUNDIAL_TLS_KEY_FILE`, PEM, TLS 1.3 minimum; plain HTTP otherwise,
/// for a TLS-terminating reverse proxy in front), the server-wide cap on request bodies
/// (`SUNDIAL_HTTP_MAX_BODY_BYTES`) and the connection timeouts and cap (``ConnectionLimits``).
/// Bad settings stop the server at start, naming the variable.
public struct ServerSecurity: Sendable {
    /// The most bytes any request body may carry (default 1 MiB).
    public var maxBodyBytes: Int
    /// Timeouts and the connection cap.
    public var connections: ConnectionLimits
    /// The TLS configuration in force, nil for plain HTTP.
    public private(set) var tls: TLSConfiguration?
    /// The context every TLS connection is made from, built (and so checked) when TLS is enabled.
    private var tlsContext: NIOSSLContext?

    public static let defaultMaxBodyBytes = 1024 * 1024

    public init(maxBodyBytes: Int = ServerSecurity.defaultMaxBodyBytes, connections: ConnectionLimits = ConnectionLimits()) {
        self.maxBodyBytes = maxBodyBytes
        self.connections = connections
    }

    public var scheme: String { tls == nil ? "http" : "https" }

    /// Serves over TLS with the given configuration (its minimum version raised to TLS 1.3).
    public mutating func enableTLS(_ configuration: TLSConfiguration) throws {
        var configuration = configuration
        configuration.minimumTLSVersion = .tlsv13
        tlsContext = try NIOSSLContext(configuration: configuration)
        tls = configuration
    }

    /// The HTTP/1.1 listener with these limits, wrapped in TLS when configured; each server run
    /// gets its own connection count.
    public func serverBuilder(logger: Logger) -> HTTPServerBuilder {
        HTTPServerBuilder { [self] responder in
            GuardedHTTPChannel(responder: responder, limits: connections, maxBodyBytes: maxBodyBytes, tls: tlsContext,
                               cap: ConnectionCap(limit: connections.maxConnections), logger: logger)
        }
    }

    /// A server configuration from a PEM certificate chain and private key.
    public static func tlsConfiguration(certificateFile: String, keyFile: String) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
        } catch {
            throw ConfigurationError(setting: "SUNDIAL_TLS_CERT_FILE", problem: "cannot read a PEM certificate from '\(certificateFile)': \(error)")
        }
        guard !chain.isEmpty else {
            throw ConfigurationError(setting: "SUNDIAL_TLS_CERT_FILE", problem: "'\(certificateFile)' holds no certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            throw ConfigurationError(setting: "SUNDIAL_TLS_KEY_FILE", problem: "cannot read a PEM private key from '\(keyFile)': \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv13
        return configuration
    }

    /// Reads `SUNDIAL_TLS_CERT_FILE`, `SUNDIAL_TLS_KEY_FILE` (both or neither),
    /// `SUNDIAL_HTTP_MAX_BODY_BYTES` (1 KiB to 1 GiB) and the ``ConnectionLimits`` settings.
    public static func fromEnvironment(_ reader: EnvironmentReader = EnvironmentReader()) throws -> ServerSecurity {
        var security = ServerSecurity(
            maxBodyBytes: try reader.int("SUNDIAL_HTTP_MAX_BODY_BYTES", default: defaultMaxBodyBytes, range: 1024...(1 << 30)),
            connections: try ConnectionLimits.fromEnvironment(reader))
        switch (reader.string("SUNDIAL_TLS_CERT_FILE"), reader.string("SUNDIAL_TLS_KEY_FILE")) {
        case (nil, nil):
            break
        case (let certificate?, let key?):
            let configuration = try tlsConfiguration(certificateFile: certificate, keyFile: key)
            do {
                try security.enableTLS(configuration)
            } catch {
                throw ConfigurationError(setting: "SUNDIAL_TLS_CERT_FILE", problem: "the certificate and key do not make a TLS server: \(error)")
            }
        case (nil, _):
            throw ConfigurationError(setting: "SUNDIAL_TLS_CERT_FILE", problem: "not set, but SUNDIAL_TLS_KEY_FILE is")
        case (_, nil):
            throw ConfigurationError(setting: "SUNDIAL_TLS_KEY_FILE", problem: "not set, but SUNDIAL_TLS_CERT_FILE is")
        }
        return security
    }
}
