import AsyncHTTPClient
import Foundation
import Integrations
import Sandbox
import Sundial
import Testing

@Suite("Signed webhooks")
struct SignedWebhookTransportTests {
    private func message(_ order: String, key: String = UUID().uuidString) -> OutboxDelivery {
        OutboxDelivery(id: 1, workflowID: UUID(), topic: "order-status", dedupeKey: key,
                       payload: #"{"order_id":"\#(order)","event":"shipped","tracking":"1Z999"}"#, attempt: 1)
    }

    @Test("a signed delivery is accepted by the shop receiver and recorded once per event")
    func delivered() async throws {
        try await SandboxServer.withRunning(SandboxConfiguration()) { server, port in
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            let transport = SignedWebhookTransport(
                url: "http://127.0.0.1:\(port)/shop/webhooks/order-status", secret: SandboxConfiguration().shop.webhookSecret,
                topics: ["order-status"], httpClient: http)
            do {
                try await transport.deliver(message("SO-7", key: "evt-1"))
                let received = server.ledger.records(.shop, .webhookReceived)
                #expect(received.count == 1)
                #expect(received.first?.reference == "SO-7")
                #expect(received.first?.idempotencyKey == "evt-1")
            } catch {
                try await http.shutdown()
                throw error
            }
            try await http.shutdown()
        }
    }

    @Test("a wrong secret is a permanent 401; an injected 503 is retryable")
    func failures() async throws {
        try await SandboxServer.withRunning(SandboxConfiguration()) { server, port in
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            let url = "http://127.0.0.1:\(port)/shop/webhooks/order-status"
            let forged = SignedWebhookTransport(url: url, secret: "not-the-secret", topics: ["order-status"], httpClient: http)
            let refused = await #expect(throws: WebhookDeliveryError.self) { try await forged.deliver(message("SO-8")) }
            #expect(refused?.retryDisposition == .permanent)
            #expect(refused.map { String(describing: $0) }?.contains("not-the-secret") == false)

            server.faults.set(FaultSettings(errorRate: 1.0), for: .shop)
            let honest = SignedWebhookTransport(url: url, secret: SandboxConfiguration().shop.webhookSecret, topics: ["order-status"], httpClient: http)
            let busy = await #expect(throws: WebhookDeliveryError.self) { try await honest.deliver(message("SO-9")) }
            if case .retryable = busy?.retryDisposition {} else { Issue.record("a 5xx must be retryable, got \(String(describing: busy))") }
            #expect(server.ledger.records(.shop, .webhookReceived).isEmpty)
            try await http.shutdown()
        }
    }
}
