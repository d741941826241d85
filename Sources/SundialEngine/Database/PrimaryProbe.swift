import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// Single connections that tell which of a URL's hosts to use: the watch on the current host and
/// the probe of every host after it was lost. Exists apart from the pool because a pool hides a
/// dead host behind connection retries; a probe answers within its timeout.
enum PrimaryProbe {
    /// Keeps a connection to `endpoint` and asks it every `interval`; returns what went wrong
    /// once it stops answering within `timeout` or, when a primary is required, no longer
    /// accepts writes.
    static func watch(_ endpoint: DatabaseEndpoint, configuration: DatabaseConfiguration, interval: Duration,
                      timeout: Duration, logger: Logger) async -> String {
        let connection: PostgresConnection
        do {
            connection = try await connect(endpoint, configuration: configuration, timeout: timeout, logger: logger)
        } catch {
            return "cannot connect: \(ErrorDescription.describe(error))"
        }
        var problem = "cancelled"
        while !Task.isCancelled {
            do {
                guard try await qualifies(connection, configuration: configuration, timeout: timeout, logger: logger) else {
                    problem = "it no longer accepts writes (a standby)"
                    break
                }
            } catch {
                problem = "it stopped answering: \(ErrorDescription.describe(error))"
                break
            }
            try? await Task.sleep(for: interval)
        }
        try? await connection.close()
        return problem
    }

    /// The first host, in URL order, that answers and qualifies (accepts writes, when
    /// `target_session_attrs=read-write`); nil when none does right now.
    static func firstQualifying(configuration: DatabaseConfiguration, logger: Logger) async -> DatabaseEndpoint? {
        for endpoint in configuration.endpoints {
            guard let connection = try? await connect(endpoint, configuration: configuration, timeout: .seconds(2), logger: logger) else { continue }
            let good = (try? await qualifies(connection, configuration: configuration, timeout: .seconds(2), logger: logger)) ?? false
            try? await connection.close()
            if good { return endpoint }
        }
        return nil
    }

    static func connect(_ endpoint: DatabaseEndpoint, configuration: DatabaseConfiguration, timeout: Duration,
                        logger: Logger) async throws -> PostgresConnection {
        var settings = PostgresConnection.Configuration(
            host: endpoint.host, port: endpoint.port, username: configuration.username, password: configuration.password,
            database: configuration.database, tls: try configuration.tlsMode.connectionTLS(rootCertificate: configuration.rootCertificate))
        settings.options.connectTimeout = .milliseconds(Int64(timeout / .milliseconds(1)))
        return try await PostgresConnection.connect(
            on: PostgresConnection.defaultEventLoopGroup.any(), configuration: settings, id: 0, logger: logger).get()
    }

    /// True when the host will do: any answering host, or one that is not in recovery (accepts
    /// writes) when a primary is required. Throws when it does not answer within `timeout` or its
    /// connection closes first.
    ///
    /// Not a task group: a statement written to a connection that has just died may never be
    /// answered (PostgresNIO drops it without failing it), and a group would wait for it forever.
    /// The question runs in its own task instead, which a dead connection may leave hanging (one
    /// small task per lost host); the answer, the close or the timeout settles first.
    static func qualifies(_ connection: PostgresConnection, configuration: DatabaseConfiguration, timeout: Duration,
                          logger: Logger) async throws -> Bool {
        guard !connection.isClosed else { throw ProbeFailed("the connection is closed") }
        let requiresPrimary = configuration.requiresPrimary
        let outcome = FirstOutcome()
        return try await withCheckedThrowingContinuation { continuation in
            outcome.arm(continuation)
            Task {
                do {
                    let rows = try await connection.query("SELECT pg_is_in_recovery()", logger: logger)
                    var inRecovery = true
                    for try await value in rows.decode(Bool.self) { inRecovery = value }
                    outcome.settle(.success(!requiresPrimary || !inRecovery))
                } catch {
                    outcome.settle(.failure(error))
                }
            }
            connection.closeFuture.whenComplete { _ in outcome.settle(.failure(ProbeFailed("the connection closed"))) }
            Task {
                try? await Task.sleep(for: timeout)
                outcome.settle(.failure(ProbeFailed("no answer within \(timeout)")))
            }
        }
    }

    struct ProbeFailed: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Resumes a continuation with whichever outcome comes first; later ones are dropped. Armed
    /// before anything can settle it.
    final class FirstOutcome: Sendable {
        private let waiting = Mutex<CheckedContinuation<Bool, any Error>?>(nil)

        func arm(_ continuation: CheckedContinuation<Bool, any Error>) {
            waiting.withLock { $0 = continuation }
        }

        func settle(_ result: Result<Bool, any Error>) {
            let continuation = waiting.withLock { slot in
                defer { slot = nil }
                return slot
            }
            continuation?.resume(with: result)
        }
    }
}
