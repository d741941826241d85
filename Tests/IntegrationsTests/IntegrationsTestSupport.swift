import AsyncHTTPClient
import Foundation
import Integrations
import Sandbox
import Sundial
import Synchronization
import Testing

/// Starts a sandbox on an ephemeral loopback port with a real `HTTPClient`, runs the test, and
/// shuts both down (the client even when the test throws).
func withSandboxClient<Result: Sendable>(
    _ configuration: SandboxConfiguration = SandboxConfiguration(),
    _ body: (SandboxServer, HTTPClient) async throws -> Result
) async throws -> Result {
    try await SandboxServer.withRunning(configuration) { server, _ in
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        do {
            let result = try await body(server, http)
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }
}

/// Runs `body` and returns the error it threw (failing the test when it did not throw).
func thrownError<T>(_ body: () async throws -> T) async -> (any Error)? {
    do {
        _ = try await body()
        Issue.record("expected an error")
        return nil
    } catch {
        return error
    }
}

let testStripeKey = Secret("sk_test_integrations_secret_4242")

func stripeClient(_ server: SandboxServer, _ http: HTTPClient) async throws -> StripeClient {
    StripeClient(
        httpClient: http,
        configuration: ClientConfiguration(baseURL: try await server.baseURL(for: .stripe), credentials: StripeCredentials(secretKey: testStripeKey), timeout: .seconds(10))
    )
}

func fedExClient(_ server: SandboxServer, _ http: HTTPClient, secret: String? = nil, timeout: Duration = .seconds(10)) async throws -> FedExClient {
    let fedex = server.configuration.fedex
    return FedExClient(
        httpClient: http,
        configuration: ClientConfiguration(
            baseURL: try await server.baseURL(for: .fedex),
            credentials: CarrierCredentials(clientID: fedex.clientID, clientSecret: Secret(secret ?? fedex.clientSecret), accountNumber: "740561073"),
            timeout: timeout
        )
    )
}

let shipper = PostalAddress(name: "SunStyle Warehouse", company: "SunStyle", phone: "9015551234", streetLines: ["10 Fedex Pkwy"], city: "Memphis", stateCode: "TN", postalCode: "38116")
let recipient = PostalAddress(name: "Ada Customer", phone: "2125550000", streetLines: ["1 Main St", "Apt 2"], city: "New York", stateCode: "NY", postalCode: "10001")

/// The order `orderID` authorization the Stripe tests use.
func authorization(_ orderID: String, amount: Int = 4999, card: String = "pm_card_visa") -> PaymentAuthorizationRequest {
    PaymentAuthorizationRequest(orderID: orderID, amountMinor: amount, currency: "usd", paymentMethod: card)
}

func upsClient(_ server: SandboxServer, _ http: HTTPClient, secret: String? = nil, timeout: Duration = .seconds(10)) async throws -> UPSClient {
    let ups = server.configuration.ups
    return UPSClient(
        httpClient: http,
        configuration: ClientConfiguration(
            baseURL: try await server.baseURL(for: .ups),
            credentials: CarrierCredentials(clientID: ups.clientID, clientSecret: Secret(secret ?? ups.clientSecret), accountNumber: "A1B2C3"),
            timeout: timeout
        )
    )
}

/// A sandbox clock a test can move forward, so tokens expire without waiting.
final class MovableClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)
    var clock: SandboxClock { SandboxClock { [self] in Date().addingTimeInterval(self.offset.withLock { $0 }) } }
    func advance(seconds: TimeInterval) { offset.withLock { $0 += seconds } }
}

func quickBooksClient(_ server: SandboxServer, _ http: HTTPClient, rotated: (@Sendable (Secret) async -> Void)? = nil) async throws -> QuickBooksClient {
    let qbo = server.configuration.quickBooks
    let base = try await server.baseURL(for: .quickbooks)
    return QuickBooksClient(
        httpClient: http,
        configuration: ClientConfiguration(
            baseURL: base,
            credentials: QuickBooksCredentials(
                realmID: qbo.realmID, clientID: qbo.clientID, clientSecret: Secret(qbo.clientSecret),
                refreshToken: Secret(qbo.refreshToken), accessToken: Secret(qbo.accessToken),
                tokenURL: base + "/oauth2/v1/tokens/bearer"
            ),
            timeout: .seconds(10)
        ),
        onRefreshTokenRotated: rotated ?? { _ in }
    )
}

func uspsClient(_ server: SandboxServer, _ http: HTTPClient, secret: String? = nil, timeout: Duration = .seconds(10)) async throws -> USPSClient {
    let usps = server.configuration.usps
    return USPSClient(
        httpClient: http,
        configuration: ClientConfiguration(
            baseURL: try await server.baseURL(for: .usps),
            credentials: USPSCredentials(clientID: usps.clientID, clientSecret: Secret(secret ?? usps.clientSecret), crid: "56982563", mid: "904128936", accountNumber: "1000405525"),
            timeout: timeout
        )
    )
}

/// Polls `condition` every 20 ms until it holds, failing the test after `timeout`.
func waitUntil(timeout: Duration = .seconds(15), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("condition not met within \(timeout)")
}
