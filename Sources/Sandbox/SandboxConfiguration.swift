import Foundation

/// Everything that can be chosen when a sandbox starts: where it listens, the credentials each
/// simulated API accepts, token lifetimes, quotas and the initial faults. Exists so a test or a
/// demo states its whole outside world in one value; all defaults give a working sandbox.
public struct SandboxConfiguration: Sendable {
    /// Bind address. Keep it on loopback.
    public var host = "127.0.0.1"
    /// Port to bind; 0 asks the OS for a free one (read it back with `SandboxServer.port()`).
    public var port = 0
    /// Faults active from the start (changeable later).
    public var faults: [SandboxAPI: FaultSettings] = [:]
    /// Seed of the fault generator; the same seed and request order give the same faults.
    public var randomSeed: UInt64 = 0x5EED_5EED
    /// Upper bound of a simulated hang; then a 503 is sent.
    public var hangLimit: Duration = .seconds(60)
    /// Source of "now" for token expiry, quotas and signature tolerance.
    public var clock: SandboxClock = .system

    public var stripe = Stripe()
    public var fedex = FedEx()
    public var ups = UPS()
    public var usps = USPS()
    public var quickBooks = QuickBooks()
    public var shop = Shop()
    public var klaviyo = Klaviyo()
    /// Carrier tracking webhooks (INT-003); off until `trackingWebhooks.url` is set.
    public var trackingWebhooks = TrackingWebhooks()

    public init() {}

    /// Stripe: secret keys, idempotency-key retention, the webhook endpoint and the delay of the
    /// asynchronous test card.
    public struct Stripe: Sendable {
        /// Accepted secret keys. Empty accepts any key starting with `sk_test_`.
        public var secretKeys: Set<String> = []
        /// How long an idempotency key is remembered (Stripe: at least 24 hours).
        public var idempotencyKeyLifetime: TimeInterval = 24 * 3600
        /// Treats every request as new, whatever its `Idempotency-Key`: a broken Stripe, so the
        /// chaos suite can show its duplicate-charge check fires. Never set it otherwise.
        public var unsafeIgnoreIdempotencyKeys = false
        /// Endpoint that receives signed Event objects (`payment_intent.amount_capturable_updated`,
        /// `.succeeded`, `.canceled`, `.payment_failed`, `charge.refunded`); `nil` sends none.
        public var webhookURL: String? = nil
        /// The endpoint's signing secret; the key of the `Stripe-Signature` HMAC, used as UTF-8.
        public var webhookSecret = "whsec_sandbox_secret"
        /// How long a PaymentIntent paid with `pm_card_processing` stays `processing` after confirm.
        public var asyncPaymentDelay: Duration = .seconds(1)
        public init() {}
    }

    /// FedEx: API key/secret for `client_credentials`, the shipper account and token lifetime.
    public struct FedEx: Sendable {
        public var clientID = "fedex-sandbox-api-key"
        public var clientSecret = "fedex-sandbox-secret-key"
        /// Accepted `accountNumber.value`; `nil` accepts any non-empty account.
        public var accountNumber: String? = nil
        public var tokenLifetimeSeconds = 3600
        /// Seconds before a new label shows in the lookup by reference (sandbox clock). Real
        /// tracking lags a label's creation; 0 shows it at once.
        public var referenceLookupLagSeconds: TimeInterval = 0
        public init() {}
    }

    /// UPS: client id/secret (HTTP Basic on the token call) and token lifetime.
    public struct UPS: Sendable {
        public var clientID = "ups-sandbox-client-id"
        public var clientSecret = "ups-sandbox-client-secret"
        public var tokenLifetimeSeconds = 14399
        /// Seconds before a new label shows in the lookup by reference (sandbox clock). Real
        /// tracking lags a label's creation; 0 shows it at once.
        public var referenceLookupLagSeconds: TimeInterval = 0
        public init() {}
    }

    /// USPS: consumer key/secret, token lifetimes and the per-hour request quota.
    public struct USPS: Sendable {
        public var clientID = "usps-sandbox-consumer-key"
        public var clientSecret = "usps-sandbox-consumer-secret"
        public var tokenLifetimeSeconds = 28800
        public var paymentTokenLifetimeSeconds = 28800
        /// Requests allowed per rolling clock hour across all USPS endpoints; `nil` means unlimited.
        /// New USPS apps get 60.
        public var hourlyQuota: Int? = 60
        public init() {}
    }

    /// QuickBooks Online: the company (realm), OAuth client, pre-issued tokens and seed data.
    public struct QuickBooks: Sendable {
        public var realmID = "9341453050298461"
        public var clientID = "qbo-sandbox-client-id"
        public var clientSecret = "qbo-sandbox-client-secret"
        /// An access token valid from the start, as after the one-time human consent.
        public var accessToken = "qbo-sandbox-access-token"
        /// A refresh token valid from the start.
        public var refreshToken = "qbo-sandbox-refresh-token"
        public var accessTokenLifetimeSeconds = 3600
        public var refreshTokenLifetimeSeconds = 100 * 24 * 3600
        /// How long a refresh token still works after it was exchanged for a new one. Intuit
        /// rotates the refresh token and the previous one stops working (its token endpoint then
        /// answers 400 `invalid_grant`); a short overlap lets a call that crossed the rotation
        /// still succeed. 60 s is this sandbox's choice, not a figure Intuit documents; 0 retires
        /// the old token at once, the strictest setting for tests.
        public var rotatedRefreshTokenGraceSeconds = 60
        /// Customers that exist from the start: `Id` → `DisplayName`.
        public var customers: [String: String] = ["1": "SunStyle Online Customer"]
        /// Items that exist from the start: `Id` → `Name`.
        public var items: [String: String] = ["1": "Merchandise", "2": "Shipping"]
        public init() {}
    }

    /// Carrier → OMS tracking webhooks (INT-003). When `url` is set, every label bought from a
    /// simulated carrier moves on by itself, labelCreated → inTransit → outForDelivery →
    /// delivered (or exception), one step per `stepInterval`, and each step (and each status set
    /// through `SandboxServer.setTrackingStatus` or `POST /sandbox/tracking/{number}`) is POSTed,
    /// signed, to `{url}/webhooks/carriers/{fedex|ups|usps}` as a ``CarrierTrackingEvent``.
    /// With `url` nil (the default) parcels stay where they are until moved by hand.
    ///
    /// Recipient names steer single parcels (case-insensitive, FedEx contact person or company,
    /// UPS `ShipTo` name or attention name, USPS first/last name or firm):
    /// ``exceptionMarker`` ends the parcel in `exception` instead of `delivered`;
    /// ``noProgressMarker`` keeps it at `labelCreated` (no automatic steps at all).
    public struct TrackingWebhooks: Sendable {
        /// A recipient name containing this ends the parcel in `exception`.
        public static let exceptionMarker = "EXCEPTION"
        /// A recipient name containing this stops automatic progress for the parcel.
        public static let noProgressMarker = "NOPROGRESS"

        /// Base URL of the receiver (e.g. `http://127.0.0.1:8080`); events go to
        /// `{url}/webhooks/carriers/{carrier}`. `nil` disables progress and webhooks.
        public var url: String? = nil
        /// Key of the `X-Carrier-Signature` HMAC (see ``CarrierWebhookSignature``).
        public var secret = "carrier-sandbox-webhook-secret"
        /// Time between two automatic status steps of a parcel, on the sandbox clock.
        public var stepInterval: Duration = .seconds(2)
        /// Every n-th event (counted across all parcels, from 1) is delivered twice, with the same
        /// `event_id`; `nil` never duplicates.
        public var duplicateEvery: Int? = nil
        /// When true, now and then (a draw from `randomSeed`, one in two) an event that is not a
        /// parcel's last is held back and delivered right after that parcel's next event; a held
        /// event whose parcel sends nothing more goes out after two step intervals.
        public var reorder = false
        public init() {}
    }

    /// The email-marketing platform (Klaviyo, INT-008): accepted private API keys, the bulk
    /// import's limits and its request rate.
    public struct Klaviyo: Sendable {
        /// Accepted private keys (`Authorization: Klaviyo-API-Key <key>`).
        public var apiKeys: Set<String> = ["pk_sandbox_klaviyo_private_key"]
        /// Most profiles in one import job (Klaviyo: 10,000).
        public var maxProfilesPerJob = 10_000
        /// Largest request body (Klaviyo: 5 MB).
        public var maxPayloadBytes = 5 * 1024 * 1024
        /// Import jobs accepted per clock second before answering 429 with `Retry-After`
        /// (Klaviyo's burst limit: 10/s); `nil` is unlimited.
        public var jobsPerSecond: Int? = 10
        /// How long an accepted import job stays `queued` before it is processed. Klaviyo
        /// answers 202 and imports later; a client learns the outcome, and each profile that
        /// failed, only by reading the job and its import errors.
        public var processingDelay: Duration = .milliseconds(200)
        public init() {}
    }

    /// The e-commerce platform's order-status webhook receiver.
    public struct Shop: Sendable {
        /// Secret of the `X-Sundial-Signature` HMAC.
        public var webhookSecret = "shop-sandbox-webhook-secret"
        /// Accepted clock skew of the signature timestamp, in seconds.
        public var signatureToleranceSeconds = 300
        public init() {}
    }
}
