import Foundation
import Synchronization

/// The record of every side effect the simulators performed, per idempotency key and business
/// reference. Exists so a test can assert "charged once, one label, one invoice" against what the
/// outside world saw. Read it in-process through this type or over HTTP at `GET /sandbox/effects`.
public final class EffectLedger: Sendable {
    private let records = Mutex<[EffectRecord]>([])
    private let clock: SandboxClock

    init(clock: SandboxClock) {
        self.clock = clock
    }

    @discardableResult
    func record(
        _ api: SandboxAPI,
        _ kind: EffectKind,
        resource: String,
        idempotencyKey: String? = nil,
        reference: String? = nil,
        amountMinor: Int? = nil,
        amount: Decimal? = nil,
        currency: String? = nil,
        detail: String? = nil
    ) -> EffectRecord {
        let stamp = clock.iso8601()
        return records.withLock { records in
            let record = EffectRecord(
                sequence: records.count + 1,
                api: api,
                kind: kind,
                idempotencyKey: idempotencyKey,
                reference: reference,
                resource: resource,
                amountMinor: amountMinor,
                amount: amount?.description,
                currency: currency,
                detail: detail,
                recordedAt: stamp
            )
            records.append(record)
            return record
        }
    }

    /// Every record, oldest first, optionally only of one API and/or kind.
    public func records(_ api: SandboxAPI? = nil, _ kind: EffectKind? = nil) -> [EffectRecord] {
        records.withLock { records in
            records.filter { (api == nil || $0.api == api) && (kind == nil || $0.kind == kind) }
        }
    }

    /// How many effects of `kind` at `api` match every filter given.
    public func count(
        _ api: SandboxAPI,
        _ kind: EffectKind,
        idempotencyKey: String? = nil,
        reference: String? = nil,
        resource: String? = nil,
        detail: String? = nil
    ) -> Int {
        records(api, kind).filter { record in
            (idempotencyKey == nil || record.idempotencyKey == idempotencyKey)
                && (reference == nil || record.reference == reference)
                && (resource == nil || record.resource == resource)
                && (detail == nil || record.detail == detail)
        }.count
    }

    /// All records with their tallies.
    public func snapshot() -> SandboxEffects {
        SandboxEffects(records: records())
    }

    /// Forgets every record.
    public func reset() {
        records.withLock { $0.removeAll() }
    }
}
