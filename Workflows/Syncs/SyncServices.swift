import Foundation
import Integrations
import Sundial

/// Everything the scheduled syncs talk to, handed in by the worker: the engine's history feed
/// and sync cursors, the warehouse folder and the email-marketing platform (behind the fleet's
/// API guard). A process that only starts or inspects workflows passes ``unavailable``.
public struct SyncServices: Sendable {
    public var feed: any WorkflowEventFeed
    public var cursors: any SyncCursors
    public var warehouse: any WarehouseFiles
    public var marketing: any EmailMarketing
    public var settings: SyncSettings

    public init(feed: any WorkflowEventFeed, cursors: any SyncCursors, warehouse: any WarehouseFiles, marketing: any EmailMarketing,
                settings: SyncSettings = SyncSettings()) {
        self.feed = feed
        self.cursors = cursors
        self.warehouse = warehouse
        self.marketing = marketing
        self.settings = settings
    }

    /// Every call fails with a clear, permanent error.
    public static var unavailable: SyncServices {
        let none = UnavailableSyncService(why: "the scheduled syncs' services are not configured in this process")
        return SyncServices(feed: none, cursors: none, warehouse: none, marketing: none)
    }

    /// A warehouse folder that refuses every write with `why` (a worker without `SUNDIAL_WAREHOUSE_DIR`).
    public static func unconfiguredWarehouse(_ why: String) -> any WarehouseFiles { UnavailableSyncService(why: why) }

    /// An email-marketing platform that refuses every call with `why` (a worker without Klaviyo settings).
    public static func unconfiguredMarketing(_ why: String) -> any EmailMarketing { UnavailableSyncService(why: why) }
}

/// Stands in for the syncs' services where they must never run or are not configured.
struct UnavailableSyncService: WorkflowEventFeed, SyncCursors, WarehouseFiles, EmailMarketing {
    var why: String
    private func refuse() -> WorkflowError { .permanent(why) }

    var maxBatchSize: Int { 1 }
    func horizon() async throws -> EventPosition { throw refuse() }
    func events(after: EventPosition?, before: EventPosition, workflowType: String?, event: String?, limit: Int) async throws
        -> [WorkflowEventRecord] { throw refuse() }
    func workflows(ids: [UUID]) async throws -> [WorkflowSnapshotRecord] { throw refuse() }
    func acquire(_ name: String, run: UUID) async throws -> SyncCursorClaim { throw refuse() }
    func advance(_ name: String, run: UUID, from: String?, to: String) async throws -> Int { throw refuse() }
    func write(_ contents: [UInt8], to path: String) async throws -> StoredFile { throw refuse() }
    func upsertProfiles(_ profiles: [MarketingProfile]) async throws -> ProfileImportReceipt { throw refuse() }
    func importJob(id: String) async throws -> ProfileImportJob { throw refuse() }
    func importFailures(jobID: String, limit: Int) async throws -> [ProfileImportFailure] { throw refuse() }
}
