/// What the order workflow needs from a parcel carrier: buy a label, void it, track the parcel,
/// and find the labels a step already bought. Exists so the workflow is written once against
/// FedEx, UPS and USPS (``FedExClient``, ``UPSClient``, ``USPSClient``).
///
/// `buyLabel` takes the workflow step's idempotency key. Carriers without native idempotency
/// (FedEx, UPS) cannot dedupe a retried purchase, so the key is sent as the shipment's customer
/// reference (see ``CustomerReference``) and ``labels(withReference:)`` finds every label bought
/// under it, so the orchestrator can keep one and void the rest.
public protocol Carrier: Sendable {
    /// The carrier's name in messages and logs (`FedEx`, `UPS`, `USPS`).
    var name: String { get }
    func buyLabel(_ request: LabelRequest, idempotencyKey: String) async throws -> ShippingLabel
    /// Cancels an unused label so it is not billed.
    func voidLabel(trackingNumber: String) async throws
    func track(trackingNumber: String) async throws -> TrackingInfo
    /// The labels bought with `reference` as customer reference, oldest first, with their status
    /// (a voided duplicate shows as `cancelled`).
    /// Pass ``CustomerReference/derive(fromIdempotencyKey:)`` of the step's key.
    func labels(withReference reference: String) async throws -> [TrackingInfo]
    /// True when the carrier dedupes a retried purchase itself (USPS `X-Idempotency-Key`), so no
    /// duplicate can exist to look for.
    var purchasesAreIdempotent: Bool { get }
    /// Voids the label bought under `idempotencyKey`, if one was: how an order that gave up on a
    /// carrier with idempotent purchases undoes a purchase whose answer it never read. Returns
    /// the voided label's tracking number, nil when no label was bought under the key.
    func voidLabel(boughtWithIdempotencyKey idempotencyKey: String) async throws -> String?
}

extension Carrier {
    public var purchasesAreIdempotent: Bool { false }

    /// Carriers without idempotent purchases find their labels by reference instead
    /// (``labels(withReference:)``).
    public func voidLabel(boughtWithIdempotencyKey idempotencyKey: String) async throws -> String? {
        throw CarrierError(carrier: name, operation: "voidLabel(boughtWithIdempotencyKey:)", status: nil, codes: [],
                           message: "\(name) has no purchase idempotency key; look labels up by reference", retryDisposition: .permanent)
    }
}
