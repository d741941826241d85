import Synchronization

/// The port the server actually bound, published once by Hummingbird's `onServerRunning` and
/// awaited by whoever needs it (with port 0 nobody knows it in advance).
final class BoundPort: Sendable {
    private enum Outcome {
        case waiting([CheckedContinuation<Int, any Error>])
        case bound(Int)
        case failed(any Error)
    }

    private let outcome = Mutex<Outcome>(.waiting([]))

    var current: Int? {
        outcome.withLock { outcome in
            if case .bound(let port) = outcome { return port }
            return nil
        }
    }

    func publish(_ port: Int) {
        settle(.bound(port))
    }

    func fail(_ error: any Error) {
        settle(.failed(error))
    }

    private func settle(_ result: Outcome) {
        let waiters: [CheckedContinuation<Int, any Error>] = outcome.withLock { outcome in
            guard case .waiting(let waiters) = outcome else { return [] }
            outcome = result
            return waiters
        }
        for waiter in waiters {
            switch result {
            case .bound(let port): waiter.resume(returning: port)
            case .failed(let error): waiter.resume(throwing: error)
            case .waiting: break
            }
        }
    }

    func wait() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let immediate: Result<Int, any Error>? = outcome.withLock { outcome in
                switch outcome {
                case .waiting(var waiters):
                    waiters.append(continuation)
                    outcome = .waiting(waiters)
                    return nil
                case .bound(let port): return .success(port)
                case .failed(let error): return .failure(error)
                }
            }
            if let immediate { continuation.resume(with: immediate) }
        }
    }
}
