import Foundation
import Integrations
import Sundial
import Testing

@Suite("QuickBooks: an answer the client cannot read")
struct QuickBooksUnreadableAnswerTests {
    @Test("a 2xx to an invoice create without an Invoice is an unknown outcome: retryable, never permanent")
    func createWithoutInvoiceIsRetryable() async throws {
        try await StandInServer.with(answer: { request in
            request.hasSuffix("/tokens/bearer")
                ? (200, #"{"token_type":"bearer","access_token":"a","refresh_token":"r2","expires_in":3600,"x_refresh_token_expires_in":8640000}"#)
                : (200, #"{"time": "2026-12-07T10:00:00.000-08:00"}"#)
        }) { baseURL, http in
            let client = QuickBooksClient(httpClient: http, configuration: ClientConfiguration(
                baseURL: baseURL, credentials: QuickBooksCredentials(
                    realmID: "1", clientID: "c", clientSecret: Secret("s"), refreshToken: Secret("r1"), tokenURL: baseURL + "/oauth2/v1/tokens/bearer"),
                timeout: .seconds(5)))
            let request = InvoiceRequest(customerID: "1", docNumber: "SO-1", lines: [InvoiceLine(itemID: "1", description: nil, quantity: 1, unitPrice: 10)])
            let error = await thrownError { try await client.createInvoice(request, idempotencyKey: "wf/invoice") }
            let failure = try #require(error as? QuickBooksError)
            #expect(failure.retryDisposition == .retryable(after: nil))
        }
    }
}
