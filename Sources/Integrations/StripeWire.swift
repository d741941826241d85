import Foundation

/// Stripe's JSON shapes, decoded only as far as the client needs and tolerant of everything else:
/// unknown fields are ignored, an expandable field may come as an id or as the whole object, and
/// an odd `metadata` value never makes an answer unreadable. Exists to keep the wire format out
/// of the public models (``PaymentIntent``, ``PaymentRefund``): an answer that says "the card is
/// held" must never be lost to a field the workflow does not even read.
enum StripeWire {
    struct PaymentIntent: Decodable {
        var id: String
        var status: String
        var amount: Int
        var amount_capturable: Int?
        var amount_received: Int?
        var currency: String
        var capture_method: String?
        var latest_charge: Expandable?
        var metadata: Metadata?
        var last_payment_error: LastPaymentError?

        var model: Integrations.PaymentIntent {
            .init(
                id: id, status: status, amountMinor: amount, amountCapturableMinor: amount_capturable ?? 0,
                amountReceivedMinor: amount_received ?? 0, currency: currency, captureMethod: capture_method,
                latestCharge: latest_charge?.id, metadata: metadata?.values ?? [:],
                lastPaymentErrorCode: last_payment_error?.decline_code ?? last_payment_error?.code
            )
        }
    }

    /// A search answer (`{"object": "search_result", "data": [...]}`).
    struct PaymentIntentList: Decodable {
        var data: [PaymentIntent]
    }

    struct LastPaymentError: Decodable {
        var code: String?
        var decline_code: String?
    }

    struct Refund: Decodable {
        var id: String
        var status: String?
        var amount: Int
        var payment_intent: Expandable?

        var model: PaymentRefund {
            PaymentRefund(id: id, status: status ?? "pending", amountMinor: amount, paymentIntentID: payment_intent?.id)
        }
    }

    /// An expandable field: Stripe sends the related object's id, or the object itself when it
    /// was expanded (some stand-ins always expand). Only the id is kept.
    struct Expandable: Decodable {
        var id: String?

        private enum Keys: String, CodingKey { case id }

        init(from decoder: any Decoder) throws {
            if let id = try? decoder.singleValueContainer().decode(String.self) {
                self.id = id
            } else if let object = try? decoder.container(keyedBy: Keys.self) {
                self.id = try? object.decode(String.self, forKey: .id)
            } else {
                self.id = nil
            }
        }
    }

    /// `metadata`: Stripe's values are strings; anything else is kept as text, nothing fails.
    struct Metadata: Decodable {
        var values: [String: String]

        private struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            var values: [String: String] = [:]
            if let container = try? decoder.container(keyedBy: Key.self) {
                for key in container.allKeys {
                    if let text = try? container.decode(String.self, forKey: key) {
                        values[key.stringValue] = text
                    } else if let number = try? container.decode(Double.self, forKey: key) {
                        values[key.stringValue] = number.rounded() == number ? String(Int(number)) : String(number)
                    } else if let flag = try? container.decode(Bool.self, forKey: key) {
                        values[key.stringValue] = String(flag)
                    }
                }
            }
            self.values = values
        }
    }

    struct ErrorEnvelope: Decodable {
        var error: Detail

        struct Detail: Decodable {
            var type: String?
            var code: String?
            var declineCode: String?
            var message: String?
            var paymentIntent: Expandable?

            enum CodingKeys: String, CodingKey {
                case type, code, message
                case declineCode = "decline_code"
                case paymentIntent = "payment_intent"
            }
        }
    }
}
