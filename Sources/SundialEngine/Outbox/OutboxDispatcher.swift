import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Sundial

/// Delivers the durable outbox: claims due messages in batches, hands each to the transport,
/// and retries failures with exponential backoff until `maxAttempts` (5, as the customer's
/// INT-001 asks), after which the message is parked for an operator to replay
/// (`WorkflowStore.replayOutbox`). Every worker can run one; they share the work through
/// `SKIP LOCKED`. Counts `sundial_outbox_delivered_total` and `sundial_outbox_parked_total`.
public struct OutboxDispatcher: Service {
    public struct Configuration: Sendable {
        public var maxAttempts: Int
        public var retry: RetryPolicy
        public var batchSize: Int
        public var pollInterval: Duration
        /// How long a claimed message is reserved for one delivery attempt.
        public var lease: Duration

        public init(maxAttempts: Int = 5, retry: RetryPolicy = RetryPolicy(initialDelay: .seconds(2), maxDelay: .seconds(300)),
                    batchSize: Int = 32, pollInterval: Duration = .milliseconds(500), lease: Duration = .seconds(60)) {
            self.maxAttempts = maxAttempts
            self.retry = retry
            self.batchSize = batchSize
            self.pollInterval = pollInterval
            self.lease = lease
        }
    }

    let store: WorkflowStore
    let transport: any OutboxTransport
    let configuration: Configuration
    let logger: Logger

    public init(store: WorkflowStore, transport: any OutboxTransport, configuration: Configuration = Configuration(), logger: Logger) {
        self.store = store
        self.transport = transport
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let handled = await dispatchOnce()
                if handled < configuration.batchSize {
                    try await Task.sleep(for: configuration.pollInterval)
                }
            }
        }
    }

    /// One claim-and-deliver round; returns how many messages it handled.
    @discardableResult
    public func dispatchOnce() async -> Int {
        let batch: [OutboxDelivery]
        do {
            batch = try await store.claimOutbox(limit: configuration.batchSize, lease: configuration.lease)
        } catch {
            logger.warning("outbox claim failed; retrying", metadata: ["error": "\(ErrorDescription.describe(error))"])
            return 0
        }
        await withTaskGroup(of: Void.self) { group in
            for message in batch {
                group.addTask { await self.deliver(message) }
            }
        }
        return batch.count
    }

    private func deliver(_ message: OutboxDelivery) async {
        var logger = self.logger
        logger[metadataKey: "workflow_id"] = "\(message.workflowID.uuidString.lowercased())"
        logger[metadataKey: "outbox_id"] = "\(message.id)"
        logger[metadataKey: "topic"] = "\(message.topic)"
        let outcome: OutboxOutcome
        if !transport.topics.contains(message.topic) {
            outcome = .park(error: "no transport delivers topic '\(message.topic)'")
        } else {
            do {
                try await transport.deliver(message)
                outcome = .delivered
            } catch {
                let description = ErrorDescription.describe(error)
                if message.attempt >= configuration.maxAttempts {
                    outcome = .park(error: description)
                } else {
                    switch configuration.retry.decision(afterAttempt: message.attempt, error: error) {
                    case .retry(let delay): outcome = .retry(after: delay, error: description)
                    case .giveUp: outcome = .park(error: description)
                    }
                }
            }
        }
        switch outcome {
        case .delivered:
            store.metrics.increment(EngineMetrics.Name.outboxDelivered, [("topic", message.topic)])
        case .retry(let delay, let error):
            store.metrics.increment(EngineMetrics.Name.outboxDeliveryFailures, [("topic", message.topic)])
            logger.warning("outbox delivery failed; will retry", metadata: ["attempt": "\(message.attempt)", "retry_in": "\(delay)", "error": "\(error)"])
        case .park(let error):
            store.metrics.increment(EngineMetrics.Name.outboxDeliveryFailures, [("topic", message.topic)])
            store.metrics.increment(EngineMetrics.Name.outboxParked, [("topic", message.topic)])
            logger.error("outbox delivery parked after its last attempt; replay it once the receiver is fixed",
                         metadata: ["attempt": "\(message.attempt)", "error": "\(error)"])
        }
        do {
            try await store.settleOutbox(id: message.id, outcome: outcome)
        } catch {
            logger.warning("could not record the delivery outcome; the message will be tried again after its lease",
                           metadata: ["error": "\(ErrorDescription.describe(error))"])
        }
    }
}
