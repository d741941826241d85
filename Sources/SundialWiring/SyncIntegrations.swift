import AsyncHTTPClient
import Foundation
import Integrations
import Logging
import Sandbox
import Sundial
import SundialEngine
import Workflows

/// How a worker runs the scheduled syncs: the store's time zone (schedules), the warehouse
/// folder the hourly export writes to, the email-marketing platform (Klaviyo) and the batch
/// sizes. Exists so `sundial worker` reads it from the environment once and tests build it
/// directly; turned into ``SyncServices`` with the engine's history feed and cursors and the
/// guarded Klaviyo client.
public struct SyncIntegrations: Sendable {
    public var storeTimeZone: String
    /// Nil: the export's write step fails with a clear, permanent error.
    public var warehouseFolder: URL?
    /// Nil: the profile sync's send step fails with a clear, permanent error.
    public var klaviyo: ClientConfiguration<KlaviyoCredentials>?
    public var settings: SyncSettings

    public init(storeTimeZone: String = StoreCalendar.defaultTimeZone, warehouseFolder: URL?,
                klaviyo: ClientConfiguration<KlaviyoCredentials>?, settings: SyncSettings = SyncSettings()) {
        self.storeTimeZone = storeTimeZone
        self.warehouseFolder = warehouseFolder
        self.klaviyo = klaviyo
        self.settings = settings
    }

    /// Klaviyo pointed at a `sundial sandbox` at `baseURL`, with the sandbox's key.
    public static func sandboxKlaviyo(baseURL: String, timeout: Duration = .seconds(10)) -> ClientConfiguration<KlaviyoCredentials> {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let key = SandboxConfiguration().klaviyo.apiKeys.sorted().first ?? ""
        return ClientConfiguration(baseURL: base + SandboxAPI.klaviyo.pathPrefix, credentials: KlaviyoCredentials(apiKey: Secret(key)), timeout: timeout)
    }

    /// `SUNDIAL_STORE_TIME_ZONE` (default `America/Chicago`), `SUNDIAL_WAREHOUSE_DIR`,
    /// `SUNDIAL_KLAVIYO_API_KEY` (+ `SUNDIAL_KLAVIYO_URL`, default `https://a.klaviyo.com`) or
    /// `SUNDIAL_SANDBOX_URL` for the sandbox's Klaviyo, `SUNDIAL_WAREHOUSE_CHUNK_EVENTS` (1000),
    /// `SUNDIAL_PROFILE_BATCH_SIZE` (500) and `SUNDIAL_SYNC_CURSOR_WAIT_SECONDS` (60).
    public static func fromEnvironment(_ reader: EnvironmentReader = EnvironmentReader()) throws -> SyncIntegrations {
        let zone = reader.string("SUNDIAL_STORE_TIME_ZONE") ?? StoreCalendar.defaultTimeZone
        guard (try? StoreCalendar(timeZone: zone)) != nil else {
            throw ConfigurationError(setting: "SUNDIAL_STORE_TIME_ZONE", problem: "'\(zone)' is not a known IANA time zone (e.g. America/Chicago)")
        }
        let folder = reader.string("SUNDIAL_WAREHOUSE_DIR").flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0, isDirectory: true) }
        var klaviyo: ClientConfiguration<KlaviyoCredentials>?
        if let key = reader.string("SUNDIAL_KLAVIYO_API_KEY"), !key.isEmpty {
            klaviyo = ClientConfiguration(baseURL: reader.string("SUNDIAL_KLAVIYO_URL") ?? "https://a.klaviyo.com",
                                          credentials: KlaviyoCredentials(apiKey: Secret(key)))
        } else if let sandbox = reader.string("SUNDIAL_SANDBOX_URL"), !sandbox.isEmpty {
            klaviyo = sandboxKlaviyo(baseURL: sandbox)
        }
        let settings = SyncSettings(
            exportChunkSize: try reader.int("SUNDIAL_WAREHOUSE_CHUNK_EVENTS", default: 1000, range: 1...5000),
            profileBatchSize: try reader.int("SUNDIAL_PROFILE_BATCH_SIZE", default: 500, range: 1...10_000),
            cursorWait: .seconds(try reader.int("SUNDIAL_SYNC_CURSOR_WAIT_SECONDS", default: 60, range: 1...3600)))
        return SyncIntegrations(storeTimeZone: zone, warehouseFolder: folder, klaviyo: klaviyo, settings: settings)
    }

    /// The schedules of the syncs this worker can run, in the store's time zone: the export's
    /// when a warehouse folder is set, the profile sync's when Klaviyo is (a sync that cannot
    /// run is not scheduled by this worker; one configured worker in the fleet schedules it).
    public func schedules() throws -> [ScheduleDeclaration] {
        let all: [ScheduleDeclaration]
        do {
            all = try SunStyleWorkflows.syncSchedules(storeTimeZone: storeTimeZone)
        } catch {
            throw ConfigurationError(setting: "SUNDIAL_STORE_TIME_ZONE", problem: "\(error)")
        }
        return all.filter { declaration in
            switch declaration.workflowType {
            case WarehouseExport.name: warehouseFolder != nil
            case ProfileSync.name: klaviyo != nil
            default: true
            }
        }
    }

    /// The syncs' services: the engine's history feed and cursors (from ``WorkerServices``), the
    /// warehouse folder and the Klaviyo client behind `apiGuard` (API `klaviyo`).
    public func syncServices(feed: any WorkflowEventFeed, cursors: any SyncCursors, httpClient: HTTPClient, apiGuard: any APIGuard,
                             logger: Logger) -> SyncServices {
        let warehouse: any WarehouseFiles = warehouseFolder.map { FolderWarehouseFiles(root: $0) }
            ?? SyncServices.unconfiguredWarehouse("no warehouse folder is configured on this worker (SUNDIAL_WAREHOUSE_DIR)")
        let marketing: any EmailMarketing = klaviyo.map {
            GuardedEmailMarketing(KlaviyoClient(httpClient: httpClient, configuration: $0, logger: logger), guard: apiGuard)
        } ?? SyncServices.unconfiguredMarketing("no email-marketing platform is configured on this worker (SUNDIAL_KLAVIYO_API_KEY or SUNDIAL_SANDBOX_URL)")
        return SyncServices(feed: feed, cursors: cursors, warehouse: warehouse, marketing: marketing, settings: settings)
    }
}
