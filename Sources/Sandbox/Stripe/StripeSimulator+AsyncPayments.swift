/// The asynchronous test payment method `pm_card_processing` (a sandbox name, modelled on payment
/// methods whose result arrives later): confirming leaves the PaymentIntent `processing`; after
/// `asyncPaymentDelay` it becomes `requires_capture` (manual capture, event
/// `payment_intent.amount_capturable_updated`) or `succeeded` (automatic capture,
/// `payment_intent.succeeded`), unless it was cancelled meanwhile. Exists so the order workflow's
/// "wait for the payment webhook" path has something to wait for.
extension StripeSimulator {
    /// A payment waiting to leave `processing`.
    struct ProcessingPayment: Sendable {
        let intentID: String
        /// The confirming request's key, under which the ledger records the authorization.
        let idempotencyKey: String?
        let apiVersion: String?
        let due: ContinuousClock.Instant
    }

    /// Finishes processing payments as they fall due, until the task is cancelled. The delay is
    /// the same for every payment, so the queue is in due order.
    func runAsyncPayments() async {
        for await payment in processing {
            do {
                try await Task.sleep(until: payment.due, clock: .continuous)
            } catch {
                return
            }
            finishProcessing(payment)
        }
    }

    func finishProcessing(_ payment: ProcessingPayment) {
        state.withLock { state in
            guard var intent = state.intents[payment.intentID], intent.status == .processing else { return }
            let automatic = RequestInfo(requestID: nil, idempotencyKey: nil, apiVersion: payment.apiVersion)
            authorizeLocked(&intent, &state, idempotencyKey: payment.idempotencyKey, event: automatic)
            state.intents[payment.intentID] = intent
        }
    }
}
