import Foundation
import Sundial
import Testing
@testable import Workflows

@Suite("Order input, money and routing")
struct OrderInputTests {
    @Test("money is a decimal string: numbers, exponents and separators are refused")
    func exactDecimals() throws {
        #expect(ExactDecimal(text: "19.99")?.value == Decimal(string: "19.99"))
        #expect(ExactDecimal(text: "0.10")?.description == "0.10")
        for bad in ["1e3", "+1", "1,000.00", " 1", "1.", ".5", "", "--1", "NaN"] {
            #expect(ExactDecimal(text: bad) == nil, "\(bad) should be refused")
        }
        let number = Data(#"{"order_id":"A","unit_price":19.99}"#.utf8)
        struct Probe: Decodable { var unit_price: ExactDecimal }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Probe.self, from: number) }
        // 0.1 + 0.2 is exact here.
        let sum = ExactDecimal(text: "0.1")!.value + ExactDecimal(text: "0.2")!.value
        #expect(ExactDecimal(sum, fractionDigits: 2).description == "0.30")
    }

    @Test("the total and its minor units are exact")
    func totals() {
        let order = sampleOrder()
        #expect(order.subtotal == Decimal(string: "52.48"))
        #expect(order.total == Decimal(string: "61.76"))
        #expect(order.totalMinor == 6176)
    }

    @Test("every bad field is named at once")
    func problemsNameEveryField() {
        var order = sampleOrder("bad id!")
        order.items[0].quantity = 0
        order.items[1].unitPrice = ExactDecimal(text: "1.999")!
        order.currency = "USD"
        order.shippingAddress.state = "New York"
        order.shippingAddress.postalCode = "1234"
        order.paymentMethod = "card_123"
        let problems = order.problems()
        #expect(Set(problems.keys) == ["order_id", "items[0].quantity", "items[1].unit_price", "currency",
                                       "shipping_address.state", "shipping_address.postal_code", "payment_method"])
        #expect(throws: InputError.self) { try OrderWorkflow.validate(order) }
        #expect(sampleOrder().problems().isEmpty)
    }

    @Test("carrier routing: per-carrier service codes, configurable preference, unknown carriers refused")
    func routing() throws {
        let routing = try CarrierRouting.preference("ups, usps")
        #expect(routing.choices(for: .overnight) == [.init(carrier: "ups", service: "01"), .init(carrier: "usps", service: "PRIORITY_MAIL_EXPRESS")])
        #expect(CarrierRouting.standard.choices(for: .ground).map(\.carrier) == ["fedex", "ups", "usps"])
        #expect(throws: InputErrorText.self) { try CarrierRouting.preference("fedex,dhl") }
    }

    @Test("QuickBooks document numbers fit 21 characters and are stable")
    func documentNumbers() {
        #expect(OrderWorkflow.docNumber("SO-1001") == "SO-1001")
        let long = OrderWorkflow.docNumber(String(repeating: "x", count: 40))
        #expect(long.count == 21 && long.hasPrefix("SO-"))
        #expect(long == OrderWorkflow.docNumber(String(repeating: "x", count: 40)))
    }

    @Test("tracking updates decode with or without fractional seconds")
    func trackingEventTimes() throws {
        for time in ["2026-11-26T09:00:00Z", "2026-11-26T09:00:00.123Z"] {
            let json = #"{"event_id":"e1","carrier":"fedex","tracking_number":"794","status":"delivered","occurred_at":"\#(time)"}"#
            let event = try JSONDecoder.sundial.decode(TrackingEvent.self, from: Data(json.utf8))
            #expect(event.occurredAt != nil)
        }
    }

    @Test("cancel is allowed before pickup and refused after")
    func cancellationRefusal() {
        let workflow = OrderWorkflow(services: .unavailable)
        var context = OrderContext(order: sampleOrder())
        #expect(workflow.cancellationRefusal(in: .label, context: context) == nil)
        #expect(workflow.cancellationRefusal(in: .track, context: context) == nil)
        context.tracking.status = "in_transit"
        #expect(workflow.cancellationRefusal(in: .track, context: context)?.contains("already with the carrier") == true)
        #expect(workflow.cancellationRefusal(in: .invoice, context: context) != nil)
    }
}
