import Sundial

/// An ``EmailMarketing`` platform whose every call goes through the fleet's ``APIGuard``
/// (Klaviyo: 10 per second burst, 150 per minute steady, shared by all workers).
public struct GuardedEmailMarketing: EmailMarketing {
    public let base: any EmailMarketing
    public let api: String
    public let apiGuard: any APIGuard

    public init(_ base: any EmailMarketing, api: String = "klaviyo", guard apiGuard: any APIGuard) {
        self.base = base
        self.api = api
        self.apiGuard = apiGuard
    }

    public var maxBatchSize: Int { base.maxBatchSize }

    public func upsertProfiles(_ profiles: [MarketingProfile]) async throws -> ProfileImportReceipt {
        try await apiGuard.perform(api, outcome: APIHealth.outcome) { try await base.upsertProfiles(profiles) }
    }

    public func importJob(id: String) async throws -> ProfileImportJob {
        try await apiGuard.perform(api, outcome: APIHealth.outcome) { try await base.importJob(id: id) }
    }

    public func importFailures(jobID: String, limit: Int) async throws -> [ProfileImportFailure] {
        try await apiGuard.perform(api, outcome: APIHealth.outcome) { try await base.importFailures(jobID: jobID, limit: limit) }
    }
}
