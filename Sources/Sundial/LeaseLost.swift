/// This worker no longer holds the workflow's lease: another worker took it over (this one was
/// paused past its lease, say). Thrown by ``Step/ensureLeaseHeld()`` and when the worker stops
/// a step whose lease it lost, so a stale run does no more outside effects; its commit would be
/// refused anyway.
public struct LeaseLost: Error, Sendable, Equatable, CustomStringConvertible {
    public init() {}
    public var description: String { "the lease was lost to another worker; this run stops" }
}
