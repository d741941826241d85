import Sundial

/// The scheduled syncs (INT-009 warehouse export, INT-008 profile sync) and their schedules,
/// kept apart from the other SunStyle workflows so the list of syncs grows in one place.
extension SunStyleWorkflows {
    /// The sync workflows with the services they call (``SyncServices/unavailable`` where they
    /// must not run).
    public static func syncs(_ services: SyncServices = .unavailable) -> [any Workflow] {
        [WarehouseExport(services: services), ProfileSync(services: services)]
    }

    /// The hourly warehouse export (at minute 5 of every hour, so the hour it is named for has
    /// ended) and the daily profile sync at 02:00 in the store's time zone. A slot missed while
    /// no worker ran fires once (the cursor covers everything missed).
    public static func syncSchedules(storeTimeZone: String) throws -> [ScheduleDeclaration] {
        [
            ScheduleDeclaration(WarehouseExport.name, workflow: WarehouseExport.self,
                                schedule: try Schedule(cron: "5 * * * *", timeZone: storeTimeZone), misfire: .runOnce) { SyncRunInput(slot: $0) },
            ScheduleDeclaration(ProfileSync.name, workflow: ProfileSync.self,
                                schedule: try Schedule(cron: "0 2 * * *", timeZone: storeTimeZone), misfire: .runOnce) { SyncRunInput(slot: $0) },
        ]
    }
}
