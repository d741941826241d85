import Foundation

/// How often, and how patiently, a failing state is retried.
///
/// The delay before retry `n` (1-based) is `initialDelay × multiplier^(n-1)`, capped at
/// `maxDelay`, then spread by ±`jitter` (a fraction) so a fleet does not retry in lockstep.
/// An error that is not retryable (see ``RetryDisposition``) ends retries at once.
public struct RetryPolicy: Sendable {
    public var initialDelay: Duration
    public var multiplier: Double
    public var maxDelay: Duration
    /// Fraction of the delay added or removed at random, from 0 (none) to 1.
    public var jitter: Double
    /// Attempts in all, the first one included. 1 means no retry.
    public var maxAttempts: Int
    /// Decides whether an error may be retried. The default honours ``RetryClassifiable`` and
    /// treats any other error as retryable.
    public var classify: @Sendable (any Error) -> RetryDisposition

    public init(
        initialDelay: Duration = .seconds(1),
        multiplier: Double = 2,
        maxDelay: Duration = .seconds(60),
        jitter: Double = 0.2,
        maxAttempts: Int = 5,
        classify: @escaping @Sendable (any Error) -> RetryDisposition = RetryPolicy.defaultClassification
    ) {
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maxDelay = maxDelay
        self.jitter = min(max(jitter, 0), 1)
        self.maxAttempts = max(1, maxAttempts)
        self.classify = classify
    }

    /// The policy of a state that declares none: 5 attempts, 1 s doubling to at most 60 s.
    public static let standard = RetryPolicy()

    /// One attempt only: the first error takes the failure branch.
    public static let never = RetryPolicy(maxAttempts: 1)

    /// The default for compensation steps: undoing must be patient (20 attempts, up to 5 minutes apart).
    public static let compensationDefault = RetryPolicy(maxDelay: .seconds(300), maxAttempts: 20)

    /// Retryable unless the error says otherwise through ``RetryClassifiable``.
    public static let defaultClassification: @Sendable (any Error) -> RetryDisposition = { error in
        if let classified = error as? any RetryClassifiable { return classified.retryDisposition }
        return .retryable(after: nil)
    }

    /// The backoff before the retry that follows failed attempt number `attempt` (1-based),
    /// without jitter.
    public func baseDelay(afterAttempt attempt: Int) -> Duration {
        let exponent = Double(max(0, attempt - 1))
        let seconds = min(initialDelay.seconds * pow(multiplier, exponent), maxDelay.seconds)
        return .seconds(seconds)
    }

    /// The backoff with jitter applied; `unit` is a random number in 0..<1 (injectable for tests).
    public func delay(afterAttempt attempt: Int, unit: Double = Double.random(in: 0..<1)) -> Duration {
        let base = baseDelay(afterAttempt: attempt).seconds
        let spread = base * jitter * (unit * 2 - 1)
        return .seconds(max(0, base + spread))
    }

    /// What to do after failed attempt `attempt` (1-based) that threw `error`.
    public func decision(afterAttempt attempt: Int, error: any Error, unit: Double = Double.random(in: 0..<1)) -> RetryDecision {
        switch classify(error) {
        case .permanent:
            return .giveUp(retryable: false)
        case .retryable(let after):
            guard attempt < maxAttempts else { return .giveUp(retryable: true) }
            var wait = delay(afterAttempt: attempt, unit: unit)
            if let after, after > wait { wait = after }
            return .retry(after: wait)
        }
    }
}

/// The outcome of applying a ``RetryPolicy`` to a failed attempt.
public enum RetryDecision: Sendable, Equatable {
    case retry(after: Duration)
    /// No more attempts: the error was permanent, or attempts ran out.
    case giveUp(retryable: Bool)
}

/// Whether an error may be retried, and after how long at least (from a `Retry-After`, say).
public enum RetryDisposition: Sendable, Equatable {
    case retryable(after: Duration?)
    case permanent
}

/// An error that knows whether retrying can help: timeouts, 429 and 5xx can; a 4xx validation
/// error or a card decline cannot.
public protocol RetryClassifiable: Error {
    var retryDisposition: RetryDisposition { get }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    public var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
