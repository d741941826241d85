/// Everything the engine needs to know about running one state, declared in one place:
/// its retry policy, the state to go to when retries are exhausted, and the handler's time limit.
public struct StatePolicy<State: WorkflowState>: Sendable {
    public var retry: RetryPolicy
    /// Where to go when the handler fails for good (permanent error or attempts exhausted).
    /// `nil` fails the workflow, which runs its compensations.
    public var onFailure: State?
    /// How long one attempt of the handler may run before it is cancelled and counted as a
    /// retryable failure.
    public var timeout: Duration

    public init(retry: RetryPolicy = .standard, onFailure: State? = nil, timeout: Duration = .seconds(60)) {
        self.retry = retry
        self.onFailure = onFailure
        self.timeout = timeout
    }
}
