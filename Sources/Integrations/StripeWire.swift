/// Stripe's JSON shapes, decoded only as far as the client needs. Exists to keep the wire format
/// out of the public models (``PaymentIntent``, ``PaymentRefund``).
enum StripeWire {
    struct PaymentIntent: Decodable {
        var id: String
        var status: String
        var amount: Int
        var amount_capturable: Int?
        var amount_received: Int?
        var currency: String
        var capture_method: String?
        var latest_charge: String?
        var metadata: [String: String]?

        var model: Integrations.PaymentIntent {
            .init(
                id: id, status: status, amountMinor: amount, amountCapturableMinor: amount_capturable ?? 0,
                amountReceivedMinor: amount_received ?? 0, currency: currency, captureMethod: capture_method,
                latestCharge: latest_charge, metadata: metadata ?? [:]
            )
        }
    }

    struct Refund: Decodable {
        var id: String
        var status: String?
        var amount: Int
        var payment_intent: String?

        var model: PaymentRefund {
            PaymentRefund(id: id, status: status ?? "pending", amountMinor: amount, paymentIntentID: payment_intent)
        }
    }

    struct ErrorEnvelope: Decodable {
        var error: Detail

        struct Detail: Decodable {
            var type: String?
            var code: String?
            var declineCode: String?
            var message: String?
            var paymentIntent: ObjectID?

            enum CodingKeys: String, CodingKey {
                case type, code, message
                case declineCode = "decline_code"
                case paymentIntent = "payment_intent"
            }
        }

        struct ObjectID: Decodable {
            var id: String
        }
    }
}
