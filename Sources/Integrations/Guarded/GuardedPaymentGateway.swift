import Sundial

/// A ``PaymentGateway`` whose every call goes through the fleet's ``APIGuard`` (shared Stripe
/// rate limit and circuit breaker).
public struct GuardedPaymentGateway: PaymentGateway {
    public let base: any PaymentGateway
    public let api: String
    public let apiGuard: any APIGuard

    public init(_ base: any PaymentGateway, api: String = "stripe", guard apiGuard: any APIGuard) {
        self.base = base
        self.api = api
        self.apiGuard = apiGuard
    }

    public func authorize(_ request: PaymentAuthorizationRequest, idempotencyKey: String) async throws -> PaymentIntent {
        try await apiGuard.perform(api, outcome: APIHealth.outcome) { try await base.authorize(request, idempotencyKey: idempotencyKey) }
    }

    public func capture(paymentIntentID: String, amountMinor: Int?, idempotencyKey: String) async throws -> PaymentIntent {
        try await apiGuard.perform(api, outcome: APIHealth.outcome) {
            try await base.capture(paymentIntentID: paymentIntentID, amountMinor: amountMinor, idempotencyKey: idempotencyKey)
        }
    }

    public func cancelAuthorization(paymentIntentID: String, reason: CancellationReason?, idempotencyKey: String) async throws -> PaymentIntent {
        try await apiGuard.perform(api, outcome: APIHealth.outcome) {
            try await base.cancelAuthorization(paymentIntentID: paymentIntentID, reason: reason, idempotencyKey: idempotencyKey)
        }
    }

    public func refund(paymentIntentID: String, amountMinor: Int?, idempotencyKey: String) async throws -> PaymentRefund {
        try await apiGuard.perform(api, outcome: APIHealth.outcome) {
            try await base.refund(paymentIntentID: paymentIntentID, amountMinor: amountMinor, idempotencyKey: idempotencyKey)
        }
    }

    public func retrieve(paymentIntentID: String) async throws -> PaymentIntent {
        try await apiGuard.perform(api, outcome: APIHealth.outcome) { try await base.retrieve(paymentIntentID: paymentIntentID) }
    }

    public func payments(forOrder orderID: String) async throws -> [PaymentIntent] {
        try await apiGuard.perform(api, outcome: APIHealth.outcome) { try await base.payments(forOrder: orderID) }
    }
}
