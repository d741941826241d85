import Foundation

/// Counts of one (api, kind) pair of effects, grouped the ways tests ask about them.
public struct EffectTally: Sendable, Codable, Equatable {
    public var count = 0
    /// Sum of `amountMinor` of the records.
    public var amountMinor = 0
    /// Exact sum of the decimal `amount` of the records, as a string ("0" when none).
    public var amount = "0"
    public var byIdempotencyKey: [String: Int] = [:]
    public var byReference: [String: Int] = [:]
    public var byResource: [String: Int] = [:]
    public var byDetail: [String: Int] = [:]

    public init() {}
}

/// A snapshot of the side-effect ledger: every record plus tallies keyed `"<api>.<kind>"`
/// (e.g. `"fedex.labelCreated"`). This is also the body of `GET /sandbox/effects`.
public struct SandboxEffects: Sendable, Codable, Equatable {
    public var records: [EffectRecord]
    public var summary: [String: EffectTally]

    public init(records: [EffectRecord]) {
        self.records = records
        var summary: [String: EffectTally] = [:]
        var decimalSums: [String: Decimal] = [:]
        for record in records {
            let key = Self.key(record.api, record.kind)
            var tally = summary[key] ?? EffectTally()
            tally.count += 1
            tally.amountMinor += record.amountMinor ?? 0
            if let text = record.amount, let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) {
                decimalSums[key, default: 0] += value
            }
            if let idempotencyKey = record.idempotencyKey { tally.byIdempotencyKey[idempotencyKey, default: 0] += 1 }
            if let reference = record.reference { tally.byReference[reference, default: 0] += 1 }
            tally.byResource[record.resource, default: 0] += 1
            if let detail = record.detail { tally.byDetail[detail, default: 0] += 1 }
            summary[key] = tally
        }
        for (key, sum) in decimalSums { summary[key]?.amount = sum.description }
        self.summary = summary
    }

    static func key(_ api: SandboxAPI, _ kind: EffectKind) -> String {
        "\(api.rawValue).\(kind.rawValue)"
    }

    /// The tally of one kind of effect (empty when none happened).
    public func tally(_ api: SandboxAPI, _ kind: EffectKind) -> EffectTally {
        summary[Self.key(api, kind)] ?? EffectTally()
    }
}
