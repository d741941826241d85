import Foundation

/// The fleet-wide limits and circuit breakers of outside APIs, as the clients see them: a call
/// goes through ``perform(_:outcome:_:)``, which waits for room under the API's shared rate and
/// concurrency caps and refuses at once while the API's circuit is open. Exists so every worker
/// respects one limit together (the engine keeps the state in Postgres) and so a workflow stuck
/// behind a full limit shows as waiting, not failing.
public protocol APIGuard: Sendable {
    /// Runs `call` against `api` (`fedex`, `quickbooks`). Throws ``CapacityWait`` when a shared
    /// limit is full and ``CircuitOpen`` when the API is considered down; otherwise returns or
    /// rethrows what `call` does, after reporting its ``CallOutcome`` (from `outcome`).
    func perform<T: Sendable>(
        _ api: String, outcome: @escaping @Sendable (any Error) -> CallOutcome, _ call: @Sendable () async throws -> T
    ) async throws -> T
}

/// What a failed call says about the API's health, for its circuit breaker.
public enum CallOutcome: Sendable, Equatable {
    /// The API answered as it should.
    case success
    /// An outage-like failure (timeout, connection refused, 5xx): counts towards opening the circuit.
    case failure
    /// The API is up but refused this request (a decline, a validation error, a 429).
    case neutral

    /// The usual reading of an error: retryable errors are outage-like, permanent ones are the
    /// API answering "no".
    public static func classify(_ error: any Error) -> CallOutcome {
        if let classified = error as? any RetryClassifiable, case .permanent = classified.retryDisposition { return .neutral }
        return .failure
    }
}

/// The API's circuit breaker is open: it failed too often in a row across the fleet, and calls
/// are refused until its cooldown ends. Retryable (after the cooldown) by default; a state that
/// can go elsewhere (the next carrier) makes it permanent in its retry policy.
public struct CircuitOpen: Error, Sendable, Equatable, RetryClassifiable, CustomStringConvertible {
    public var api: String
    /// When the next probe call may go.
    public var retryAfter: Duration

    public init(api: String, retryAfter: Duration) {
        self.api = api
        self.retryAfter = retryAfter
    }

    public var retryDisposition: RetryDisposition { .retryable(after: retryAfter) }

    public var description: String { "\(api) circuit is open (too many failures in a row); next probe in \(retryAfter)" }
}

/// A guard that lets every call through: for tests and tools that run clients without a fleet.
public struct UnlimitedAPIGuard: APIGuard {
    public init() {}

    public func perform<T: Sendable>(
        _ api: String, outcome: @escaping @Sendable (any Error) -> CallOutcome, _ call: @Sendable () async throws -> T
    ) async throws -> T {
        try await call()
    }
}
