import Foundation
import Logging
import ServiceLifecycle
import Sundial

/// Fires the schedules declared in code: syncs them into the `schedules` table at start, then
/// twice a second fires whatever slots are due (see `WorkflowStore.fireDueSchedules`). Every
/// worker runs one; each slot still starts exactly one workflow.
public struct ScheduleService: Service {
    let store: WorkflowStore
    let declarations: [String: ScheduleDeclaration]
    let clock: any WorkflowClock
    let interval: Duration
    let logger: Logger

    public init(store: WorkflowStore, declarations: [ScheduleDeclaration], clock: any WorkflowClock = SystemClock(),
                interval: Duration = .milliseconds(500), logger: Logger) {
        self.store = store
        self.declarations = Dictionary(declarations.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        guard !declarations.isEmpty else {
            try? await gracefulShutdown()
            return
        }
        try? await cancelWhenGracefulShutdown {
            var synced = false
            while !Task.isCancelled {
                if !synced {
                    do {
                        try await store.syncSchedules(Array(declarations.values), now: clock.now())
                        synced = true
                    } catch {
                        logger.warning("could not sync schedules; retrying", metadata: ["error": "\(ErrorDescription.describe(error))"])
                    }
                }
                if synced { await fireDue() }
                try await Task.sleep(for: interval)
            }
        }
    }

    /// One firing round at the clock's now; returns what it started.
    @discardableResult
    public func fireDue() async -> [FiredSlot] {
        do {
            let fired = try await store.fireDueSchedules(declarations, now: clock.now())
            for slot in fired {
                logger.info("schedule fired", metadata: [
                    "schedule": "\(slot.schedule)", "slot": "\(slot.slot)", "workflow_id": "\(slot.workflowID.uuidString.lowercased())",
                ])
            }
            return fired
        } catch {
            logger.warning("schedule firing failed; retrying", metadata: ["error": "\(ErrorDescription.describe(error))"])
            return []
        }
    }
}
