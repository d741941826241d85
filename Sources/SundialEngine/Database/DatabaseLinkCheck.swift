import Logging
import PostgresNIO

/// The check a process makes before it starts its pool: can it reach a host it may use, with the
/// `sslmode` it was given? Exists because a pool hides why it cannot connect (it retries, then
/// reports only that it kept failing), while an operator with a wrong `sslrootcert` or a server
/// without TLS needs the reason at once, in words.
public enum DatabaseLinkCheck {
    /// Returns the first host of `configuration` that answers and qualifies (accepts writes,
    /// when required); throws ``DatabaseUnreachable`` with every host's reason otherwise.
    @discardableResult
    public static func run(_ configuration: DatabaseConfiguration, logger: Logger) async throws -> DatabaseEndpoint {
        var problems: [String] = []
        for endpoint in configuration.endpoints {
            do {
                let connection = try await PrimaryProbe.connect(endpoint, configuration: configuration, timeout: configuration.connectTimeout, logger: logger)
                let qualifies = try await PrimaryProbe.qualifies(connection, configuration: configuration, timeout: configuration.connectTimeout, logger: logger)
                try? await connection.close()
                if qualifies { return endpoint }
                problems.append("\(endpoint): a standby (in recovery), and target_session_attrs=read-write asks for the primary")
            } catch {
                problems.append("\(endpoint): \(explain(error, configuration))")
            }
        }
        throw DatabaseUnreachable(configuration: configuration.redactedDescription, problems: problems)
    }

    /// What a connection failure means, naming the TLS setting when TLS is the cause.
    static func explain(_ error: any Error, _ configuration: DatabaseConfiguration) -> String {
        let text = ErrorDescription.describe(error)
        let lowered = text.lowercased()
        if lowered.contains("certificate_verify_failed") || lowered.contains("certificate verify failed") {
            let roots = configuration.rootCertificate.map { "the CA in sslrootcert=\($0)" } ?? "the system's trusted CAs"
            return "the server's TLS certificate is not signed by \(roots) (sslmode=\(configuration.tlsMode.rawValue)): \(text)"
        }
        if lowered.contains("hostname") || lowered.contains("unable to verify the hostname") {
            return "the server's TLS certificate does not name this host (sslmode=verify-full): \(text)"
        }
        if lowered.contains("sslunsupported") {
            return "the server does not offer TLS, and sslmode=\(configuration.tlsMode.rawValue) requires it: \(text)"
        }
        return text
    }
}

/// No host of the URL could be used; says why for each.
public struct DatabaseUnreachable: Error, CustomStringConvertible {
    public let configuration: String
    public let problems: [String]

    public var description: String {
        "cannot use the database \(configuration): " + problems.joined(separator: "; ")
    }
}
