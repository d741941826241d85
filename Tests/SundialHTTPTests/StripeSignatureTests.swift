import Foundation
import SundialHTTP
import Testing

@Suite("Stripe-Signature scheme")
struct StripeSignatureTests {
    // The worked vector of the reference (external-apis.md, Stripe webhooks), checked there with
    // stripe-python 16.1.0 and openssl.
    static let secret = "whsec_test_secret"
    static let timestamp = 1_700_000_000
    static let body = #"{"id":"evt_test_webhook","object":"event","type":"payment_intent.succeeded","data":{"object":{"id":"pi_test_1","object":"payment_intent","status":"succeeded"}}}"#
    static let header = "t=1700000000,v1=f542de768c98266beb3ede60162eee083e0512f8714a97b164642faaab8a41a5"
    static let tampered = body.replacingOccurrences(of: "succeeded", with: "canceled", options: [], range: body.range(of: "succeeded"))

    @Test("the reference vector: 160 bytes, signature as published, accepted at its own time")
    func vector() throws {
        #expect(Self.body.utf8.count == 160)
        #expect(TimestampedSignature.signature(payload: Data(Self.body.utf8), secret: Self.secret, timestamp: Self.timestamp)
                == "f542de768c98266beb3ede60162eee083e0512f8714a97b164642faaab8a41a5")
        let verifier = TimestampedSignature(secrets: [Self.secret])
        let at = Date(timeIntervalSince1970: Double(Self.timestamp) + 10)
        #expect(try verifier.verify(header: Self.header, payload: Data(Self.body.utf8), now: at) == Self.timestamp)
    }

    @Test("the reference's must-not-verify variant: first \"succeeded\" → \"canceled\"")
    func tamperedBody() {
        #expect(TimestampedSignature.signature(payload: Data(Self.tampered.utf8), secret: Self.secret, timestamp: Self.timestamp)
                == "a5c2e9af672acb8ff4dd68bccbb8389b13e33152d6e073833ba2bc1419eb503e")
        let verifier = TimestampedSignature(secrets: [Self.secret])
        let at = Date(timeIntervalSince1970: Double(Self.timestamp))
        #expect(throws: TimestampedSignature.Failure.mismatch) {
            try verifier.verify(header: Self.header, payload: Data(Self.tampered.utf8), now: at)
        }
    }

    @Test("older than 300 s is stale (as stripe-python with tolerance=300); the boundary itself passes")
    func tolerance() throws {
        let verifier = TimestampedSignature(secrets: [Self.secret])
        #expect(throws: TimestampedSignature.Failure.stale) {
            try verifier.verify(header: Self.header, payload: Data(Self.body.utf8))
        }
        let boundary = Date(timeIntervalSince1970: Double(Self.timestamp + 300))
        try verifier.verify(header: Self.header, payload: Data(Self.body.utf8), now: boundary)
        #expect(throws: TimestampedSignature.Failure.stale) {
            try verifier.verify(header: Self.header, payload: Data(Self.body.utf8), now: boundary.addingTimeInterval(1))
        }
    }

    @Test("more than 300 s in the future is refused too; 300 s ahead itself passes")
    func futureTolerance() throws {
        let verifier = TimestampedSignature(secrets: [Self.secret])
        let boundary = Date(timeIntervalSince1970: Double(Self.timestamp - 300))
        try verifier.verify(header: Self.header, payload: Data(Self.body.utf8), now: boundary)
        #expect(throws: TimestampedSignature.Failure.future) {
            try verifier.verify(header: Self.header, payload: Data(Self.body.utf8), now: boundary.addingTimeInterval(-1))
        }
        #expect(throws: TimestampedSignature.Failure.future) {
            try verifier.verify(header: Self.header, payload: Data(Self.body.utf8), now: Date(timeIntervalSince1970: 1_600_000_000))
        }
    }

    @Test("any v1 with any secret matches; v0 and unknown schemes are ignored; malformed headers refused")
    func schemes() throws {
        let at = Date(timeIntervalSince1970: Double(Self.timestamp))
        let payload = Data(Self.body.utf8)
        let good = TimestampedSignature.signature(payload: payload, secret: Self.secret, timestamp: Self.timestamp)
        let rotated = TimestampedSignature(secrets: ["whsec_new", Self.secret])
        try rotated.verify(header: "t=\(Self.timestamp),v1=\(String(repeating: "0", count: 64)),v0=abc,v1=\(good)", payload: payload, now: at)
        #expect(throws: TimestampedSignature.Failure.noSignature) {
            try rotated.verify(header: "t=\(Self.timestamp),v0=\(good)", payload: payload, now: at)
        }
        #expect(throws: TimestampedSignature.Failure.malformedHeader) {
            try rotated.verify(header: "v1=\(good)", payload: payload, now: at)
        }
        #expect(throws: TimestampedSignature.Failure.missingHeader) {
            try rotated.verify(header: nil, payload: payload, now: at)
        }
        #expect(throws: TimestampedSignature.Failure.mismatch) {
            try TimestampedSignature(secrets: ["whsec_other"]).verify(header: Self.header, payload: payload, now: at)
        }
    }
}
