/// The Stripe objects the simulator keeps, and their JSON as the API returns them.
struct StripePaymentIntent: Sendable {
    enum Status: String, Sendable {
        case requiresPaymentMethod = "requires_payment_method"
        case requiresConfirmation = "requires_confirmation"
        case requiresAction = "requires_action"
        case processing
        case requiresCapture = "requires_capture"
        case succeeded
        case canceled
    }

    let id: String
    let amount: Int
    let currency: String
    let captureMethod: String
    let created: Int
    let clientSecret: String
    var status: Status
    var paymentMethod: String?
    var amountCapturable = 0
    var amountReceived = 0
    var amountRefunded = 0
    var latestCharge: String?
    var lastPaymentError: JSONValue?
    var nextAction: JSONValue?
    var metadata: [String: String]
    var description: String?
    var canceledAt: Int?
    var cancellationReason: String?
    /// Set when the intent was created without `payment_method_types` on an API version of
    /// 2023-08-16 or later: automatic payment methods, which may redirect the customer.
    var automaticPaymentMethods: AutomaticPaymentMethods?
    var returnURL: String?

    /// `automatic_payment_methods`: on, and whether redirect-based methods are allowed.
    struct AutomaticPaymentMethods: Sendable {
        /// `always` (confirming then needs a `return_url`) or `never`.
        var allowRedirects: String
    }

    /// The order this payment belongs to, when the client said so in `metadata[order_id]`.
    var orderReference: String? { metadata["order_id"] ?? metadata["orderId"] ?? metadata["order"] }

    var json: JSONValue {
        [
            "id": .string(id),
            "object": "payment_intent",
            "amount": .int(amount),
            "amount_capturable": .int(amountCapturable),
            "amount_received": .int(amountReceived),
            "automatic_payment_methods": automaticPaymentMethods.map { ["allow_redirects": .string($0.allowRedirects), "enabled": true] } ?? .null,
            "canceled_at": .int(canceledAt),
            "cancellation_reason": .string(cancellationReason),
            "capture_method": .string(captureMethod),
            "client_secret": .string(clientSecret),
            "confirmation_method": "automatic",
            "created": .int(created),
            "currency": .string(currency),
            "description": .string(description),
            "last_payment_error": lastPaymentError ?? .null,
            "latest_charge": .string(latestCharge),
            "livemode": false,
            "metadata": .strings(metadata),
            "next_action": nextAction ?? .null,
            "payment_method": .string(paymentMethod),
            "payment_method_types": ["card"],
            "status": .string(status.rawValue),
        ]
    }

    /// The charge behind `latest_charge`, as `charge.refunded` events carry it.
    var chargeJSON: JSONValue {
        [
            "id": .string(latestCharge),
            "object": "charge",
            "amount": .int(amount),
            "amount_captured": .int(amountReceived),
            "amount_refunded": .int(amountRefunded),
            "captured": .bool(amountReceived > 0),
            "currency": .string(currency),
            "metadata": .strings(metadata),
            "paid": .bool(lastPaymentError == nil),
            "payment_intent": .string(id),
            "refunded": .bool(amountReceived > 0 && amountRefunded >= amountReceived),
            "status": .string(lastPaymentError == nil ? "succeeded" : "failed"),
        ]
    }
}

struct StripeRefund: Sendable {
    let id: String
    let amount: Int
    let currency: String
    let charge: String?
    let paymentIntent: String
    let reason: String?
    let created: Int
    let metadata: [String: String]

    var json: JSONValue {
        [
            "id": .string(id),
            "object": "refund",
            "amount": .int(amount),
            "charge": .string(charge),
            "created": .int(created),
            "currency": .string(currency),
            "metadata": .strings(metadata),
            "payment_intent": .string(paymentIntent),
            "reason": .string(reason),
            "status": "succeeded",
        ]
    }
}
