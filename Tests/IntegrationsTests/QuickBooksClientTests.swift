import Foundation
import Integrations
import Sandbox
import Sundial
import Synchronization
import Testing

@Suite("QuickBooksClient against the sandbox")
struct QuickBooksClientTests {
    let invoice = InvoiceRequest(
        customerID: "1",
        docNumber: "SO-1001",
        lines: [
            InvoiceLine(itemID: "1", description: "Sunglasses", quantity: 2, unitPrice: Decimal(string: "49.95")!),
            InvoiceLine(itemID: "2", description: "Shipping", quantity: 1, unitPrice: Decimal(string: "5.10")!),
        ]
    )

    @Test("create an invoice; the same key (same requestid) gives one invoice; find by DocNumber")
    func createOnceAndFind() async throws {
        try await withSandboxClient { server, http in
            let qbo = try await quickBooksClient(server, http)
            let first = try await qbo.createInvoice(invoice, idempotencyKey: "order-1001:invoice")
            let retried = try await qbo.createInvoice(invoice, idempotencyKey: "order-1001:invoice")
            #expect(retried.id == first.id)
            #expect(first.totalAmount == Decimal(string: "105.00"))
            #expect(first.docNumber == "SO-1001")
            let requestID = QuickBooksRequestID.derive(fromIdempotencyKey: "order-1001:invoice")
            #expect(requestID.count <= 50)
            #expect(server.ledger.count(.quickbooks, .invoiceCreated) == 1)
            #expect(server.ledger.count(.quickbooks, .invoiceCreated, idempotencyKey: requestID) == 1)

            #expect(try await qbo.findInvoice(docNumber: "SO-1001")?.id == first.id)
            #expect(try await qbo.findInvoice(docNumber: "SO-404") == nil)

            // Another key with the same DocNumber: QuickBooks' 6210, permanent (reconcile by DocNumber).
            let duplicate = try #require(await thrownError { try await qbo.createInvoice(invoice, idempotencyKey: "other-key") } as? QuickBooksError)
            #expect(duplicate.codes == ["6210"])
            #expect(duplicate.retryDisposition == .permanent)
        }
    }

    @Test("request shape: documented JSON keys and exact decimal amounts as recorded")
    func requestShape() async throws {
        try await withSandboxClient { server, http in
            let qbo = try await quickBooksClient(server, http)
            // The simulator rejects a missing CustomerRef.value, Line, Line.DetailType, Line.Amount,
            // SalesItemLineDetail, and Amount ≠ Qty × UnitPrice (6070).
            let created = try await qbo.createInvoice(
                InvoiceRequest(customerID: "1", docNumber: "SO-2002", lines: [InvoiceLine(itemID: "1", quantity: 3, unitPrice: Decimal(string: "0.10")!)]),
                idempotencyKey: "order-2002:invoice"
            )
            let record = try #require(server.ledger.records(.quickbooks, .invoiceCreated).first)
            #expect(record.resource == created.id)
            #expect(record.reference == "SO-2002")  // DocNumber
            #expect(record.detail == "1")  // CustomerRef.value
            #expect(record.amount == "0.3")  // exact: 3 × 0.10 sent as decimal text
            #expect(record.idempotencyKey == QuickBooksRequestID.derive(fromIdempotencyKey: "order-2002:invoice"))  // ?requestid=
        }
    }

    @Test("an expired access token is refreshed with the refresh-token grant and the call retried")
    func tokenRefresh() async throws {
        let time = MovableClock()
        var configuration = SandboxConfiguration()
        configuration.clock = time.clock
        try await withSandboxClient(configuration) { server, http in
            let rotations = Mutex<[String]>([])
            let qbo = try await quickBooksClient(server, http) { token in rotations.withLock { $0.append(token.value) } }
            _ = try await qbo.createInvoice(invoice, idempotencyKey: "order-1001:invoice")
            time.advance(seconds: 3700)  // the access token (3600 s) is now expired; the refresh token is not
            let found = try await qbo.findInvoice(docNumber: "SO-1001")
            #expect(found != nil)
            #expect(rotations.withLock { $0.count } == 1)

            // expireAllTokens() also expires refresh tokens: a refresh is refused, which needs a person.
            server.expireAllTokens()
            let refused = try #require(await thrownError { try await qbo.findInvoice(docNumber: "SO-1001") } as? QuickBooksError)
            #expect(refused.codes == ["invalid_grant"])
            #expect(refused.retryDisposition == .permanent)
            let secrets = [server.configuration.quickBooks.clientSecret, server.configuration.quickBooks.refreshToken] + rotations.withLock { $0 }
            #expect(secrets.allSatisfy { !refused.description.contains($0) })
        }
    }

    @Test("503, 429 and a SystemFault inside a 200 are retryable; Retry-After honoured")
    func errorMapping() async throws {
        try await withSandboxClient { server, http in
            let qbo = try await quickBooksClient(server, http)
            server.faults.set(FaultSettings(errorStatus: 503, failNext: 1), for: .quickbooks)
            let unavailable = try #require(await thrownError { try await qbo.createInvoice(invoice, idempotencyKey: "k") } as? QuickBooksError)
            #expect(unavailable.status == 503)
            #expect(unavailable.retryDisposition == .retryable(after: nil))

            server.faults.set(FaultSettings(errorStatus: 200, failNext: 1), for: .quickbooks)
            let faultIn200 = try #require(await thrownError { try await qbo.createInvoice(invoice, idempotencyKey: "k") } as? QuickBooksError)
            #expect(faultIn200.status == 200)
            #expect(faultIn200.faultType == "SystemFault")
            #expect(faultIn200.retryDisposition == .retryable(after: nil))

            server.faults.set(FaultSettings(rateLimitRate: 1, retryAfterSeconds: 3), for: .quickbooks)
            let limited = try #require(await thrownError { try await qbo.createInvoice(invoice, idempotencyKey: "k") } as? QuickBooksError)
            #expect(limited.status == 429)
            #expect(limited.retryDisposition == .retryable(after: .seconds(3)))
            server.faults.set(.none, for: .quickbooks)
            #expect(server.ledger.count(.quickbooks, .invoiceCreated) == 0)
            _ = try await qbo.createInvoice(invoice, idempotencyKey: "k")
            #expect(server.ledger.count(.quickbooks, .invoiceCreated) == 1)
        }
    }
}
