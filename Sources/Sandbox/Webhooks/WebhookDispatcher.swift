import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// One outgoing webhook stream of the sandbox (carrier tracking events, Stripe events): a FIFO
/// queue that request handlers add to without waiting, and a loop, run by the server's
/// background service, that POSTs each job in turn. Exists so a slow or dead receiver delays
/// only later webhooks of the same stream, never the simulated APIs, and so events of one stream
/// arrive in the order they were queued.
///
/// Delivery is best effort: up to `retryDelays.count + 1` attempts, retrying connection errors,
/// timeouts, 408, 429 and 5xx; each attempt is signed anew with the current time.
final class WebhookDispatcher: Sendable {
    /// One webhook to POST.
    struct Job: Sendable {
        let url: String
        let body: [UInt8]
        /// Name and value of the signature header for the given unix time.
        let signature: @Sendable (_ timestamp: Int) -> (name: String, value: String)
        /// Extra headers (e.g. a User-Agent like the vendor's).
        let headers: [String: String]
        /// What the logs call it, e.g. `evt_… payment_intent.succeeded`.
        let summary: String
        /// Called after every attempt with the status so far.
        let report: @Sendable (WebhookDeliveryStatus) -> Void
    }

    /// Name of the stream in logs (`carrier-tracking`, `stripe`).
    let name: String
    let retryDelays: [Duration]
    let requestTimeout: Duration
    private let clock: SandboxClock
    private let stream: AsyncStream<Job>
    private let continuation: AsyncStream<Job>.Continuation

    init(name: String, clock: SandboxClock, retryDelays: [Duration] = [.milliseconds(250), .seconds(1)], requestTimeout: Duration = .seconds(5)) {
        self.name = name
        self.clock = clock
        self.retryDelays = retryDelays
        self.requestTimeout = requestTimeout
        (stream, continuation) = AsyncStream.makeStream(of: Job.self)
    }

    /// Queues a job; returns at once.
    func enqueue(_ job: Job) {
        continuation.yield(job)
    }

    /// Delivers queued jobs one at a time until the task is cancelled (jobs still queued then are
    /// dropped). Call once.
    func run(http: HTTPClient, logger: Logger) async {
        for await job in stream {
            await deliver(job, http: http, logger: logger)
            if Task.isCancelled { return }
        }
    }

    private func deliver(_ job: Job, http: HTTPClient, logger: Logger) async {
        var status = WebhookDeliveryStatus()
        let metadata: Logger.Metadata = ["webhook.stream": "\(name)", "webhook.event": "\(job.summary)", "webhook.url": "\(job.url)"]
        while true {
            status.attempts += 1
            var retryable: Bool
            do {
                let code = try await post(job, http: http)
                status.responseStatus = code
                status.error = nil
                if (200..<300).contains(code) {
                    status.state = .delivered
                    logger.info("webhook delivered", metadata: metadata.merging(["http.status": "\(code)", "webhook.attempt": "\(status.attempts)"]) { $1 })
                    job.report(status)
                    return
                }
                retryable = code >= 500 || code == 408 || code == 429
                logger.info("webhook refused", metadata: metadata.merging(["http.status": "\(code)", "webhook.attempt": "\(status.attempts)"]) { $1 })
            } catch {
                if Task.isCancelled { return }
                status.responseStatus = nil
                status.error = "\(error)"
                retryable = true
                logger.info("webhook not delivered", metadata: metadata.merging(["error": "\(error)", "webhook.attempt": "\(status.attempts)"]) { $1 })
            }
            guard retryable, status.attempts <= retryDelays.count else {
                status.state = .failed
                logger.warning("webhook given up", metadata: metadata.merging(["webhook.attempts": "\(status.attempts)"]) { $1 })
                job.report(status)
                return
            }
            job.report(status)
            do {
                try await Task.sleep(for: retryDelays[status.attempts - 1])
            } catch {
                return
            }
        }
    }

    /// One POST; the response status, or a thrown connection error or timeout.
    private func post(_ job: Job, http: HTTPClient) async throws -> Int {
        var request = HTTPClientRequest(url: job.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in job.headers.sorted(by: { $0.key < $1.key }) { request.headers.add(name: name, value: value) }
        let signature = job.signature(clock.unixSeconds)
        request.headers.add(name: signature.name, value: signature.value)
        request.body = .bytes(job.body)
        let (seconds, attoseconds) = requestTimeout.components
        let response = try await http.execute(request, timeout: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
        // Read (and drop) the answer so the connection can be reused.
        _ = try? await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }
}
