import NIOCore
import PostgresNIO
import Synchronization

/// Sends one statement on a leased connection and waits for its answer, or for proof that the
/// answer can no longer come.
///
/// Why: PostgresNIO 1.33 writes a statement to the connection's channel without a write promise
/// (`PostgresConnection.query`, `PostgresClient.query`). When the pool hands out a connection whose
/// server has just gone (killed, failed over) before the pool heard of it, the write fails on the
/// closed channel, and the statement's answer is never completed: the caller waits forever. The
/// failover test saw it about once in 60 runs on a loaded machine; a worker's claim loop stuck
/// there would never claim again.
///
/// So the statement runs in its own task, and while it waits the connection is looked at every
/// `checkInterval` on its event loop: once the channel is closed, the statement either has been
/// failed by PostgresNIO (its answer settles first) or was lost, and fails here as
/// ``ConnectionLost`` (a lost connection, retried by callers like any other). A lost statement's
/// task is left behind; it holds only its memory.
enum LostStatementGuard {
    static let checkInterval: TimeAmount = .milliseconds(500)

    /// The statement's connection closed before its answer came.
    struct ConnectionLost: Error, CustomStringConvertible {
        var description: String { "the database connection closed before the statement was answered" }
    }

    static func answer<T>(
        on connection: PostgresConnection, _ send: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        guard !connection.isClosed else { throw ConnectionLost() }
        // The answer crosses from the statement's task to the caller's exactly once.
        let answer = try await withCheckedThrowingContinuation { continuation in
            let outcome = FirstOutcome<Handoff<T>>(continuation)
            let check = connection.eventLoop.scheduleRepeatedTask(initialDelay: checkInterval, delay: checkInterval) { task in
                if connection.isClosed {
                    task.cancel()
                    outcome.settle(.failure(ConnectionLost()))
                }
            }
            outcome.onSettle { check.cancel() }
            Task {
                do {
                    outcome.settle(.success(Handoff(value: try await send())))
                } catch {
                    outcome.settle(.failure(error))
                }
            }
        }
        return answer.value
    }

    /// A value handed from one task to another once, never shared (a row sequence is not
    /// `Sendable`, but only the caller ever reads it).
    struct Handoff<T>: @unchecked Sendable {
        let value: T
    }

    /// Resumes its continuation with the first outcome; later ones are dropped.
    final class FirstOutcome<T: Sendable>: Sendable {
        private struct Slot {
            var continuation: CheckedContinuation<T, any Error>?
            var onSettle: (@Sendable () -> Void)?
        }

        private let slot: Mutex<Slot>

        init(_ continuation: CheckedContinuation<T, any Error>) {
            slot = Mutex(Slot(continuation: continuation))
        }

        /// Runs `action` once settled (at once when already settled).
        func onSettle(_ action: @escaping @Sendable () -> Void) {
            let runNow = slot.withLock { slot in
                guard slot.continuation != nil else { return true }
                slot.onSettle = action
                return false
            }
            if runNow { action() }
        }

        func settle(_ result: Result<T, any Error>) {
            let (continuation, action) = slot.withLock { slot in
                defer { slot = Slot() }
                return (slot.continuation, slot.onSettle)
            }
            continuation?.resume(with: result)
            if continuation != nil { action?() }
        }
    }
}
