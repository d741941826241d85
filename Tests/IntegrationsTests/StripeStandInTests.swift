import Foundation
import Integrations
import Sundial
import Testing

/// The Stripe client against answers our own simulator never gives but Stripe (or a third-party
/// stand-in) may: an expanded `latest_charge`, a decline as a 402 of another error `type`, and a
/// 2xx whose body cannot be read. A client and a simulator written from one reading of the docs
/// agree with each other; these answers come from outside that reading.
@Suite("StripeClient against answers from outside the simulator")
struct StripeStandInTests {
    /// The whole body of a successful manual-capture authorization with `latest_charge`
    /// expanded, as localstripe answers (and Stripe does with `expand[]=latest_charge`).
    static let expandedIntent = #"""
    {"amount": 4999, "amount_capturable": 4999, "amount_received": 0, "capture_method": "manual",
     "client_secret": "pi_1_secret_x", "currency": "usd", "customer": null, "id": "pi_standin_1",
     "invoice": null, "last_payment_error": null,
     "latest_charge": {"amount": 4999, "captured": false, "currency": "usd", "id": "ch_standin_1",
                       "metadata": {}, "object": "charge", "status": "succeeded"},
     "livemode": false, "metadata": {"order_id": "order-1", "attempt": 2, "vip": true},
     "next_action": null, "object": "payment_intent", "payment_method": "pm_card_visa",
     "status": "requires_capture", "unknown_future_field": {"nested": [1, 2, 3]}}
    """#

    /// A decline the way localstripe sends it: 402, `card_declined`, but `invalid_request_error`.
    static let declineOfAnotherType = #"""
    {"error": {"charge": "ch_standin_2", "code": "card_declined", "message": "Your card was declined.", "type": "invalid_request_error"}}
    """#

    @Test("an expanded latest_charge and odd metadata values are read, not an unreadable answer")
    func expandedLatestCharge() async throws {
        try await withStandIn(status: 200, body: Self.expandedIntent) { stripe in
            let intent = try await stripe.authorize(request(), idempotencyKey: "order-1/authorize")
            #expect(intent.id == "pi_standin_1")
            #expect(intent.status == "requires_capture")
            #expect(intent.latestCharge == "ch_standin_1")
            #expect(intent.metadata["order_id"] == "order-1")
            #expect(intent.metadata["attempt"] == "2")
        }
    }

    @Test("a 402 card_declined is a decline whatever its error type")
    func declineOfAnyType() async throws {
        try await withStandIn(status: 402, body: Self.declineOfAnotherType) { stripe in
            let error = await thrownError { try await stripe.authorize(request(), idempotencyKey: "order-2/authorize") }
            let declined = try #require(error as? PaymentDeclined, "got \(String(describing: error))")
            #expect(declined.code == "card_declined")
            #expect(declined.retryDisposition == .permanent)
        }
    }

    @Test("a 402 without a decline code stays a Stripe error; a 400 never becomes a decline")
    func notEveryFailureIsADecline() async throws {
        try await withStandIn(status: 400, body: #"{"error": {"code": "card_declined", "type": "invalid_request_error", "message": "odd"}}"#) { stripe in
            let error = await thrownError { try await stripe.authorize(request(), idempotencyKey: "order-3/authorize") }
            #expect(error is StripeError)
        }
        #expect(PaymentDeclined.isDecline(status: 402, type: "api_error", code: nil, declineCode: "insufficient_funds"))
        #expect(!PaymentDeclined.isDecline(status: 402, type: "invalid_request_error", code: "some_other_failure", declineCode: nil))
    }

    @Test("a 2xx that cannot be read after a POST is an unknown outcome: retryable, may have taken effect")
    func unreadableAnswerIsUnknownOutcome() async throws {
        try await withStandIn(status: 200, body: #"{"id": "pi_cut_off", "status": "requires_cap"#) { stripe in
            let error = await thrownError { try await stripe.authorize(request(), idempotencyKey: "order-4/authorize") }
            let failure = try #require(error as? StripeError)
            #expect(failure.retryDisposition == .retryable(after: nil))
            #expect(failure.mayHaveTakenEffect)
            #expect(RetryPolicy.standard.decision(afterAttempt: 1, error: failure) != .giveUp(retryable: false))

            let read = await thrownError { try await stripe.retrieve(paymentIntentID: "pi_cut_off") }
            let readFailure = try #require(read as? StripeError)
            #expect(readFailure.retryDisposition == .retryable(after: nil))
            #expect(!readFailure.mayHaveTakenEffect)
        }
    }

    // MARK: Support

    func request() -> PaymentAuthorizationRequest {
        PaymentAuthorizationRequest(orderID: "order-1", amountMinor: 4999, currency: "usd", paymentMethod: "pm_card_visa")
    }

    /// A server on loopback that answers every request with `status` and `body`.
    func withStandIn(status: Int, body: String, _ test: (StripeClient) async throws -> Void) async throws {
        try await StandInServer.with(answer: { _ in (status, body) }) { baseURL, http in
            try await test(StripeClient(httpClient: http, configuration: ClientConfiguration(
                baseURL: baseURL, credentials: StripeCredentials(secretKey: Secret("sk_test_standin")), timeout: .seconds(5))))
        }
    }

}
