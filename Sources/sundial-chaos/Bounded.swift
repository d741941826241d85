import Synchronization

/// Runs `operation` and gives up waiting for it after `limit`. Exists for the chaos run's own
/// reads: a statement PostgresNIO wrote to a connection the moment its server died may never be
/// answered (the engine bounds its steps the same way), and the run must not wait for it forever.
/// The operation runs in its own task, left behind when it does not finish.
func bounded<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async -> T? {
    let first = FirstValue<T?>()
    return await withCheckedContinuation { continuation in
        first.arm(continuation)
        Task { first.settle(try? await operation()) }
        Task {
            try? await Task.sleep(for: limit)
            first.settle(nil)
        }
    }
}

/// Resumes a continuation with the first value settled; later ones are dropped.
final class FirstValue<Value: Sendable>: Sendable {
    private let waiting = Mutex<CheckedContinuation<Value, Never>?>(nil)

    func arm(_ continuation: CheckedContinuation<Value, Never>) {
        waiting.withLock { $0 = continuation }
    }

    func settle(_ value: Value) {
        let continuation = waiting.withLock { slot in
            defer { slot = nil }
            return slot
        }
        continuation?.resume(returning: value)
    }
}
