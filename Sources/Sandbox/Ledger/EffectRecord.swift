/// What kind of outside-world side effect a simulator performed. These are the things that must
/// happen once per idempotency key ("charged once", "one label", "one invoice").
public enum EffectKind: String, Sendable, Codable, CaseIterable, Hashable {
    /// A PaymentIntent reached `requires_capture` (or was charged outright with automatic capture).
    case paymentAuthorized
    case paymentDeclined
    case paymentCaptured
    case paymentCanceled
    case refundCreated
    /// A carrier label was bought (FedEx, UPS, USPS); `resource` is its tracking number.
    case labelCreated
    case labelVoided
    case invoiceCreated
    /// A correctly signed order-status webhook reached the shop.
    case webhookReceived
    /// A webhook with a missing or wrong signature was refused with 401.
    case webhookRejected
    /// A contact was created or updated by a bulk profile import (Klaviyo); `resource` is the
    /// profile id, `reference` its email, `idempotencyKey` the import job id, `detail`
    /// `created` or `updated`.
    case profileUpserted
}

/// One side effect, as the simulator saw it. Exists so tests can prove what the world saw,
/// not what the orchestrator believes it did.
public struct EffectRecord: Sendable, Codable, Equatable {
    /// Order of recording, from 1.
    public let sequence: Int
    public let api: SandboxAPI
    public let kind: EffectKind
    /// The idempotency key the request carried (Stripe `Idempotency-Key`, USPS `X-Idempotency-Key`,
    /// QuickBooks `requestid`, webhook event id), if any.
    public let idempotencyKey: String?
    /// The business reference: Stripe `metadata[order_id]`, the carrier customer reference,
    /// the QuickBooks `DocNumber`, the order id of a webhook.
    public let reference: String?
    /// The vendor's id of the thing affected: `pi_…`, tracking number, invoice `Id`, event id.
    public let resource: String
    /// Amount in minor units (Stripe), when the effect moves money.
    public let amountMinor: Int?
    /// Exact decimal amount as a string (QuickBooks `TotalAmt`, carrier charges).
    public let amount: String?
    public let currency: String?
    /// Kind-specific detail: carrier service, void status, webhook event name, decline code.
    public let detail: String?
    /// ISO 8601 time of recording.
    public let recordedAt: String
}
