import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// A process's link to Postgres: PostgresNIO's connection pool to one host, and, when the URL
/// names several hosts (a primary and its standbys), a watch that moves the pool to the new
/// primary after a failover, so every Sundial process finds it on its own.
///
/// With one host this is the pool and nothing more. With several, ``run()`` also keeps a
/// connection to the current host and asks it every second whether it still answers (and, with
/// `target_session_attrs=read-write`, still accepts writes). When it does not (the primary was
/// killed, the network dropped), every host is probed in URL order until one qualifies (a
/// standby once it was promoted); a new pool to that host replaces the old one, which is closed:
/// statements in flight or waiting on the old pool fail and are retried by their callers like any
/// other lost connection (the engine retries steps, claims and starts; the intake answers 503).
///
/// The methods are PostgresNIO's own (`query`, `execute`, `withConnection`, `withTransaction`),
/// so the store reads the same as with a plain `PostgresClient`.
public final class DatabaseClient: Service, Sendable {
    public let configuration: DatabaseConfiguration
    private let logger: Logger
    /// The pool in use; nil-free from init. Replaced only by ``run()`` after a failover.
    private let pool: Mutex<Pool>
    /// Set with one host: the pool never changes, so reading it takes no lock (the hot path).
    private let fixed: PostgresClient?

    struct Pool: Sendable {
        var client: PostgresClient
        var endpoint: DatabaseEndpoint
        var stop: StopSignal
    }

    /// How often the watch asks the current host, and how long an answer may take.
    static let watchInterval: Duration = .seconds(1)
    static let watchTimeout: Duration = .seconds(3)
    /// Pause between two rounds of probing every host while none qualifies.
    static let probePause: Duration = .milliseconds(250)

    /// - Parameter startingAt: the host to begin with (the one ``DatabaseLinkCheck`` found); the
    ///   URL's first host when nil.
    public init(configuration: DatabaseConfiguration, startingAt: DatabaseEndpoint? = nil, backgroundLogger: Logger) {
        self.configuration = configuration
        self.logger = backgroundLogger
        let first = startingAt ?? configuration.endpoints[0]
        let client = PostgresClient(configuration: configuration.clientConfiguration(for: first), backgroundLogger: backgroundLogger)
        self.pool = Mutex(Pool(client: client, endpoint: first, stop: StopSignal()))
        self.fixed = configuration.endpoints.count == 1 ? client : nil
    }

    /// The client a long-running process (a worker, the server) starts with: the link is checked
    /// first, on the host that qualifies. A link that cannot be used yet is said once, in words,
    /// and the process starts anyway, its pool retrying, as for a database that is restarting.
    public static func forLongRunningProcess(_ configuration: DatabaseConfiguration, logger: Logger) async -> DatabaseClient {
        var primary: DatabaseEndpoint?
        do {
            primary = try await DatabaseLinkCheck.run(configuration, logger: logger)
        } catch {
            logger.error("the database cannot be used yet; retrying", metadata: ["problem": "\(error)"])
        }
        return DatabaseClient(configuration: configuration, startingAt: primary, backgroundLogger: logger)
    }

    /// The pool statements go to now.
    public var current: PostgresClient { fixed ?? pool.withLock { $0.client } }

    /// The host statements go to now.
    public var currentEndpoint: DatabaseEndpoint { pool.withLock { $0.endpoint } }

    // MARK: Statements (PostgresNIO's API, on the current pool)
    //
    // A statement that finds its pool closed (a failover replaced it after the statement picked
    // it) was never sent: it goes once more to the pool that replaced it.
    //
    // A statement is sent on a connection leased for it and guarded against PostgresNIO losing
    // it on a connection that just closed (``LostStatementGuard``). The lease ends once the answer
    // has begun; rows still streaming keep the connection busy, and a statement from the next
    // lease queues behind them on the connection, as PostgresNIO allows: read a statement's rows
    // before awaiting the next statement (every store method does).

    @discardableResult
    public func query(_ query: PostgresQuery, logger: Logger? = nil, file: String = #fileID, line: Int = #line) async throws -> PostgresRowSequence {
        let pool = current
        let logger = logger ?? Self.quiet
        let send: @Sendable (PostgresClient) async throws -> PostgresRowSequence = { pool in
            try await pool.withConnection { connection in
                try await LostStatementGuard.answer(on: connection) { try await connection.query(query, logger: logger, file: file, line: line) }
            }
        }
        do {
            return try await send(pool)
        } catch where Self.poolClosed(error) && current !== pool {
            return try await send(current)
        }
    }

    public func execute<Statement: PostgresPreparedStatement, Row>(
        _ statement: Statement, logger: Logger? = nil, file: String = #fileID, line: Int = #line
    ) async throws -> AsyncThrowingMapSequence<PostgresRowSequence, Row> where Row == Statement.Row {
        let pool = current
        let logger = logger ?? Self.quiet
        let send: @Sendable (PostgresClient) async throws -> AsyncThrowingMapSequence<PostgresRowSequence, Row> = { pool in
            try await pool.withConnection { connection in
                try await LostStatementGuard.answer(on: connection) { try await connection.execute(statement, logger: logger, file: file, line: line) }
            }
        }
        do {
            return try await send(pool)
        } catch where Self.poolClosed(error) && current !== pool {
            return try await send(current)
        }
    }

    /// Runs `closure` on a leased connection. A connection found closed at the lease fails
    /// at once (``LostStatementGuard/ConnectionLost``) instead of losing the closure's first
    /// statement; statements inside the closure are PostgresNIO's own, unguarded.
    public func withConnection<Result>(
        isolation: isolated (any Actor)? = #isolation, _ closure: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        try await current.withConnection(isolation: isolation) { connection in
            guard !connection.isClosed else { throw LostStatementGuard.ConnectionLost() }
            return try await closure(connection)
        }
    }

    /// A transaction on a leased connection (BEGIN … COMMIT, ROLLBACK when `closure` throws), its
    /// connection checked at the lease as in ``withConnection(isolation:_:)``.
    public func withTransaction<Result>(
        logger: Logger, file: String = #file, line: Int = #line, isolation: isolated (any Actor)? = #isolation,
        _ closure: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        try await current.withConnection(isolation: isolation) { connection in
            guard !connection.isClosed else { throw LostStatementGuard.ConnectionLost() }
            return try await connection.withTransaction(logger: logger, file: file, line: line, isolation: isolation, closure)
        }
    }

    /// PostgresNIO's own default when a statement is given no logger.
    private static let quiet = Logger(label: "sundial.database", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The pool was closed before the statement got a connection (never a failure mid-statement).
    static func poolClosed(_ error: any Error) -> Bool {
        if let error = error as? PSQLError, error.code == .poolClosed { return true }
        return "\(error)".contains("poolShutdown")
    }

    // MARK: Running

    /// Runs the pool (and, with several hosts, the watch) until cancelled or graceful shutdown.
    public func run() async {
        let first = pool.withLock { $0 }
        guard fixed == nil else {
            await first.client.run()
            return
        }
        let (replacements, sink) = AsyncStream.makeStream(of: Pool.self)
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await Self.runPool(first) }
                group.addTask {
                    await self.watch(start: { sink.yield($0) })
                    sink.finish()
                }
                for await next in replacements { group.addTask { await Self.runPool(next) } }
            }
        }
    }

    /// A pool's `run()` until its stop signal (a failover moved on) or cancellation.
    private static func runPool(_ pool: Pool) async {
        await withDiscardingTaskGroup { group in
            group.addTask { await pool.client.run() }
            await pool.stop.wait()
            group.cancelAll()
        }
    }

    /// Watches the current host; when it is lost, finds the host that qualifies now and, when it
    /// is another one, starts a pool to it (`start`) and stops the old pool.
    private func watch(start: @Sendable (Pool) -> Void) async {
        while !Task.isCancelled {
            let endpoint = currentEndpoint
            let problem = await PrimaryProbe.watch(endpoint, configuration: configuration, interval: Self.watchInterval,
                                                   timeout: Self.watchTimeout, logger: logger)
            guard !Task.isCancelled else { return }
            logger.warning("database host lost; looking for the primary among every host", metadata: [
                "host": "\(endpoint)", "problem": "\(problem)", "hosts": "\(configuration.endpoints.map(\.description).joined(separator: ","))",
            ])
            let began = ContinuousClock.now
            var found: DatabaseEndpoint?
            while found == nil, !Task.isCancelled {
                found = await PrimaryProbe.firstQualifying(configuration: configuration, logger: logger)
                if found == nil { try? await Task.sleep(for: Self.probePause) }
            }
            guard let next = found else { return }
            guard next != endpoint else {
                logger.notice("the same database host is back", metadata: ["host": "\(next)", "after": "\(ContinuousClock.now - began)"])
                continue
            }
            let replacement = Pool(
                client: PostgresClient(configuration: configuration.clientConfiguration(for: next), backgroundLogger: logger),
                endpoint: next, stop: StopSignal())
            start(replacement)
            let old = pool.withLock { pool in
                defer { pool = replacement }
                return pool
            }
            old.stop.fire()
            logger.notice("moved to the new primary", metadata: [
                "from": "\(endpoint)", "to": "\(next)", "after": "\(ContinuousClock.now - began)",
            ])
        }
    }
}

/// Fires once; every waiter (now or later) resumes. Stops one pool's `run()` after a failover.
final class StopSignal: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Void, Never>])
        case fired
    }

    private let state = Mutex(State.waiting([]))

    func fire() {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
            guard case .waiting(let list) = state else { return [] }
            state = .fired
            return list
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns when fired, or when the waiting task is cancelled (which fires it).
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow: Bool = state.withLock { state in
                    switch state {
                    case .fired:
                        return true
                    case .waiting(var list):
                        list.append(continuation)
                        state = .waiting(list)
                        return false
                    }
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            self.fire()
        }
    }
}
