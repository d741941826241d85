import Foundation
@testable import SundialHTTP
import Testing
import Workflows

@Suite("Order body parsing")
struct OrderInputParserTests {
    @Test("a body with every field parses to the OrderInput it says (the shape matches the type)")
    func everyField() throws {
        guard case .valid(let order) = try OrderInputParser.parse(Data(Orders.body().utf8)) else {
            Issue.record("the sample order was refused")
            return
        }
        #expect(order.orderID == "SO-1001")
        #expect(order.customer.email == "ada@example.com")
        #expect(order.items.first?.unitPrice == ExactDecimal(text: "19.99"))
        #expect(order.items.first?.weightPounds == ExactDecimal(text: "0.4"))
        #expect(order.shippingAddress.company == "Analytical Engines")
        #expect(order.shippingAmount == ExactDecimal(text: "5.00"))
        #expect(order.taxAmount == ExactDecimal(text: "3.10"))
        #expect(order.serviceLevel == .ground)
    }

    @Test("wrong types, missing, unknown and semantic problems are all named in one answer")
    func everyProblemAtOnce() throws {
        let body = """
            {"order_id": "bad id!", "customer": {"id": "c-1", "name": 42},
             "items": [{"sku": "A", "quantity": 0, "unit_price": 19.99},
                       {"sku": "", "quantity": "2", "unit_price": "1.234", "colour": "red"}],
             "currency": "XYZ", "service_level": "teleport", "payment_method": "card_123",
             "shipping_address": {"name": "A", "phone": "12", "lines": [], "city": "X", "state": "tn",
                                  "postal_code": "1234", "country": "US"},
             "gift_note": "hi"}
            """
        guard case .invalid(let problems) = try OrderInputParser.parse(Data(body.utf8)) else {
            Issue.record("a bad order was accepted")
            return
        }
        let expected: [String: String] = [
            "order_id": "must be 1 to 64 characters of letters, digits, '-', '_' or '.'",
            "customer.name": "must be a string, not a number",
            "items[0].quantity": "must be 1 to 10000",
            "items[0].unit_price": "must be a decimal string such as \"19.99\", not a JSON number",
            "items[1].sku": "must be 1 to 64 characters",
            "items[1].quantity": "must be a whole number, not a string",
            "items[1].unit_price": "must be 0 to 1000000 with at most 2 decimals",
            "items[1].colour": "is not a known field",
            "currency": "must be one of cad, eur, gbp, usd (lower case)",
            "service_level": "must be one of ground, express, overnight",
            "payment_method": "must be a saved payment method id (pm_…)",
            "shipping_address.phone": "must be a phone number (at least 7 digits)",
            "shipping_address.lines": "must be 1 to 3 non-empty lines of at most 100 characters",
            "shipping_address.state": "must be a two-letter code such as TN",
            "shipping_address.postal_code": "must be a US ZIP code (12345 or 12345-6789)",
            "gift_note": "is not a known field",
        ]
        #expect(problems == expected)
    }

    @Test("missing required objects are named once, not field by field")
    func missing() throws {
        guard case .invalid(let problems) = try OrderInputParser.parse(Data(#"{"order_id": "SO-1"}"#.utf8)) else {
            Issue.record("a bad order was accepted")
            return
        }
        #expect(problems == [
            "customer": "is required", "items": "is required", "currency": "is required", "shipping_address": "is required",
            "service_level": "is required",
            "payment_method": "one of payment_method (a saved card, pm_…) or payment_intent (authorized at checkout, pi_…) is required",
        ])
    }

    @Test("a payment is a saved card or a checkout PaymentIntent, exactly one")
    func paymentIsOneOfTwo() throws {
        var body = try #require(JSONSerialization.jsonObject(with: Data(Orders.body().utf8)) as? [String: Any])
        body["payment_method"] = nil
        body["payment_intent"] = "pi_3Sbx0123456789"
        guard case .valid(let order) = try OrderInputParser.parse(try JSONSerialization.data(withJSONObject: body)) else {
            Issue.record("an order paid at checkout was refused")
            return
        }
        #expect(order.paymentIntent == "pi_3Sbx0123456789")
        #expect(order.paymentMethod == nil)

        body["payment_method"] = "pm_card_visa"
        guard case .invalid(let both) = try OrderInputParser.parse(try JSONSerialization.data(withJSONObject: body)) else {
            Issue.record("an order naming two payments was accepted")
            return
        }
        #expect(both["payment_intent"] == "give either payment_method or payment_intent, not both")

        body["payment_method"] = nil
        body["payment_intent"] = "ch_123"
        guard case .invalid(let wrong) = try OrderInputParser.parse(try JSONSerialization.data(withJSONObject: body)) else {
            Issue.record("a charge id was accepted as a PaymentIntent")
            return
        }
        #expect(wrong["payment_intent"] == "must be a PaymentIntent id (pi_…)")
    }

    @Test("not JSON is a 400, a JSON array a 422 on $")
    func notAnObject() throws {
        #expect(throws: APIError.self) { try OrderInputParser.parse(Data("{\"order_id\": ".utf8)) }
        guard case .invalid(let problems) = try OrderInputParser.parse(Data("[1, 2]".utf8)) else {
            Issue.record("an array was accepted")
            return
        }
        #expect(problems == ["$": "must be an object, not an array"])
    }
}
