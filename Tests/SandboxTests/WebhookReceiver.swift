import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// A small webhook endpoint on 127.0.0.1:0 for tests: a Hummingbird app that records every POST
/// (path, headers, raw body) and answers 200, or the statuses a test scripted, optionally after
/// a delay. Stands in for Sundial's own receivers while the sandbox sends to it.
final class WebhookReceiver: Sendable {
    /// One request as received.
    struct Received: Sendable {
        let path: String
        let headers: [String: String]
        let body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }

        var json: [String: Any] {
            ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]) ?? [:]
        }
    }

    private struct State {
        var received: [Received] = []
        /// Statuses to answer the next requests with, first first; then 200.
        var script: [Int] = []
        /// While set, answers wait until ``releaseAnswers()``.
        var holding = false
        /// Requests answered so far.
        var answered = 0
        var held: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Everything received so far, oldest first.
    var received: [Received] { state.withLock { $0.received } }

    /// The next requests are answered with these statuses, in order (then 200 again).
    func answer(with statuses: [Int]) {
        state.withLock { $0.script = statuses }
    }

    /// How many requests have been answered.
    var answered: Int { state.withLock { $0.answered } }

    /// Every later answer waits until ``releaseAnswers()``: a receiver that does not answer.
    func holdAnswers() {
        state.withLock { $0.holding = true }
    }

    /// Sends every held answer and stops holding.
    func releaseAnswers() {
        let waiting = state.withLock { state in
            state.holding = false
            defer { state.held = [] }
            return state.held
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Waits until `count` requests arrived (failing the test after `timeout`) and returns them all.
    @discardableResult
    func waitFor(_ count: Int, timeout: Duration = .seconds(15)) async throws -> [Received] {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            let now = received
            if now.count >= count { return now }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("expected \(count) webhooks, got \(received.count)")
        return received
    }

    private func receive(_ request: Request) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let status = state.withLock { state in
            state.received.append(Received(path: request.uri.path, headers: headers, body: Array(buffer.readableBytesView)))
            return state.script.isEmpty ? 200 : state.script.removeFirst()
        }
        await withCheckedContinuation { continuation in
            let answerNow = state.withLock { state in
                if state.holding { state.held.append(continuation) }
                return !state.holding
            }
            if answerNow { continuation.resume() }
        }
        state.withLock { $0.answered += 1 }
        return Response(status: HTTPResponse.Status(code: status))
    }

    /// Starts a receiver, runs `body` with it and its base URL (`http://127.0.0.1:PORT`), then
    /// shuts it down.
    static func withRunning<Result: Sendable>(_ body: (WebhookReceiver, String) async throws -> Result) async throws -> Result {
        let receiver = WebhookReceiver()
        let router = Router()
        router.post("**") { request, _ in try await receiver.receive(request) }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "test.webhook-receiver")
        logger.logLevel = .warning
        let application = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                if let port = channel.localAddress?.port { portContinuation.yield(port) }
                portContinuation.finish()
            },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                // A receiver that fails to start must not leave the test waiting for its port.
                defer { portContinuation.finish() }
                try await group.run()
            }
            do {
                var iterator = ports.makeAsyncIterator()
                guard let port = await iterator.next() else { throw CancellationError() }
                let result = try await body(receiver, "http://127.0.0.1:\(port)")
                receiver.releaseAnswers()
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                receiver.releaseAnswers()
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }
}
