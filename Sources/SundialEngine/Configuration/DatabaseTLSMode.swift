import Foundation
import NIOSSL
import PostgresNIO

/// How the link to Postgres is encrypted, named as libpq's `sslmode` (so an operator's
/// `DATABASE_URL` means here what it means to `psql`):
///
/// | mode | encrypted | server certificate checked |
/// |---|---|---|
/// | `disable` | never | – |
/// | `prefer` (`allow`) | when the server offers TLS | no |
/// | `require` | always (refused otherwise) | only its chain, when `sslrootcert` is given (as libpq does) |
/// | `verify-ca` | always | chain against `sslrootcert` (or the system's trust store) |
/// | `verify-full` | always | chain, and the host name or IP address the URL names |
///
/// The default is `disable` when every host is loopback (nothing crosses a network) and `prefer`
/// otherwise; `PGSSLMODE` / `PGSSLROOTCERT` apply when the URL says nothing, as with libpq.
public enum DatabaseTLSMode: String, Sendable, CaseIterable {
    case disable
    case prefer
    case require
    case verifyCA = "verify-ca"
    case verifyFull = "verify-full"

    /// `sslmode` as written in a URL; `allow` reads as `prefer` (TLS when the server offers it).
    init?(sslmode: String) {
        if sslmode == "allow" { self = .prefer; return }
        self.init(rawValue: sslmode)
    }

    /// PostgresNIO's TLS setting for this mode, trusting `rootCertificate` (a PEM file) when given.
    func postgresTLS(rootCertificate: String?) -> PostgresClient.Configuration.TLS {
        let configuration = Self.clientTLS(verification: verification(rootCertificate: rootCertificate), rootCertificate: rootCertificate)
        switch self {
        case .disable: return .disable
        case .prefer: return .prefer(configuration)
        case .require, .verifyCA, .verifyFull: return .require(configuration)
        }
    }

    /// The same setting for a single probe connection (finding the primary among several hosts).
    func connectionTLS(rootCertificate: String?) throws -> PostgresConnection.Configuration.TLS {
        guard self != .disable else { return .disable }
        let context = try NIOSSLContext(configuration: Self.clientTLS(
            verification: verification(rootCertificate: rootCertificate), rootCertificate: rootCertificate))
        return self == .prefer ? .prefer(context) : .require(context)
    }

    private func verification(rootCertificate: String?) -> CertificateVerification {
        switch self {
        case .disable, .prefer: .none
        case .require: rootCertificate == nil ? .none : .noHostnameVerification
        case .verifyCA: .noHostnameVerification
        case .verifyFull: .fullVerification
        }
    }

    private static func clientTLS(verification: CertificateVerification, rootCertificate: String?) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = verification
        if let rootCertificate { configuration.trustRoots = .file(rootCertificate) }
        return configuration
    }
}
