import Sundial

/// A ``Carrier`` whose every call goes through the fleet's ``APIGuard``: shared rate limit and
/// circuit breaker per carrier. Exists so the workflow and the plain clients stay unaware of
/// fleet-wide limits; the worker wraps each client once.
public struct GuardedCarrier: Carrier {
    public let base: any Carrier
    /// The guard's name for this API (`fedex`).
    public let api: String
    public let apiGuard: any APIGuard

    public init(_ base: any Carrier, api: String, guard apiGuard: any APIGuard) {
        self.base = base
        self.api = api
        self.apiGuard = apiGuard
    }

    public var name: String { base.name }
    public var purchasesAreIdempotent: Bool { base.purchasesAreIdempotent }

    public func buyLabel(_ request: LabelRequest, idempotencyKey: String) async throws -> ShippingLabel {
        try await apiGuard.perform(api, outcome: APIHealth.outcome) { try await base.buyLabel(request, idempotencyKey: idempotencyKey) }
    }

    public func voidLabel(trackingNumber: String) async throws {
        try await apiGuard.perform(api, outcome: APIHealth.outcome) { try await base.voidLabel(trackingNumber: trackingNumber) }
    }

    public func track(trackingNumber: String) async throws -> TrackingInfo {
        try await apiGuard.perform(api, outcome: APIHealth.outcome) { try await base.track(trackingNumber: trackingNumber) }
    }

    public func labels(withReference reference: String) async throws -> [TrackingInfo] {
        try await apiGuard.perform(api, outcome: APIHealth.outcome) { try await base.labels(withReference: reference) }
    }

    public func voidLabel(boughtWithIdempotencyKey idempotencyKey: String) async throws -> String? {
        try await apiGuard.perform(api, outcome: APIHealth.outcome) { try await base.voidLabel(boughtWithIdempotencyKey: idempotencyKey) }
    }
}
