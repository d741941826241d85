import Foundation
import Integrations
import Testing

@Suite("Keys derived from idempotency keys")
struct DerivedKeyTests {
    @Test("customer references: short keys kept, long or unusual keys hashed to 30 characters, stable")
    func customerReference() {
        #expect(CustomerReference.derive(fromIdempotencyKey: "order-1:label") == "order-1:label")
        let long = String(repeating: "workflow-7f3a/step-label/", count: 4)
        let derived = CustomerReference.derive(fromIdempotencyKey: long)
        #expect(derived.hasPrefix("sd-"))
        #expect(derived.count == CustomerReference.maxLength)
        #expect(derived == CustomerReference.derive(fromIdempotencyKey: long))
        #expect(derived != CustomerReference.derive(fromIdempotencyKey: long + "x"))
        #expect(CustomerReference.derive(fromIdempotencyKey: "order 1/label").hasPrefix("sd-"))
    }

    @Test("QuickBooks request ids: 40 hex digits, stable, at most 50 characters")
    func quickBooksRequestID() {
        let id = QuickBooksRequestID.derive(fromIdempotencyKey: "order-1001:invoice")
        #expect(id.count == 40)
        let allHex = id.allSatisfy { $0.isHexDigit }
        #expect(allHex)
        #expect(id == QuickBooksRequestID.derive(fromIdempotencyKey: "order-1001:invoice"))
        #expect(id != QuickBooksRequestID.derive(fromIdempotencyKey: "order-1002:invoice"))
    }

    @Test("USPS idempotency keys: a stable version 8 UUID per step key")
    func uspsIdempotencyKey() throws {
        let key = USPSIdempotencyKey.derive(fromIdempotencyKey: "order-1:label")
        let uuid = try #require(UUID(uuidString: key))
        #expect(uuid.uuidString.lowercased() == key)
        #expect(Array(key)[14] == "8")
        #expect(key == USPSIdempotencyKey.derive(fromIdempotencyKey: "order-1:label"))
        #expect(key != USPSIdempotencyKey.derive(fromIdempotencyKey: "order-2:label"))
    }

    @Test("configurations and secrets print no credential")
    func secretsRedacted() {
        let secret = Secret("sk_live_do_not_print")
        let configuration = ClientConfiguration(baseURL: "https://api.stripe.com/", credentials: StripeCredentials(secretKey: secret))
        #expect(configuration.baseURL == "https://api.stripe.com")
        #expect(!"\(configuration)".contains(secret.value))
        #expect(!String(reflecting: secret).contains(secret.value))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains(secret.value))
    }
}
