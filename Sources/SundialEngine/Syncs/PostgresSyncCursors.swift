import Foundation
import Sundial

/// The engine's ``SyncCursors`` over `sync_cursors`, handed by the worker to the scheduled syncs.
public struct PostgresSyncCursors: SyncCursors {
    let store: WorkflowStore

    public init(store: WorkflowStore) { self.store = store }

    public func acquire(_ name: String, run: UUID) async throws -> SyncCursorClaim {
        try await store.acquireSyncCursor(name, run: run)
    }

    public func advance(_ name: String, run: UUID, from: String?, to: String) async throws -> Int {
        guard let runNumber = try await store.advanceSyncCursor(name, run: run, from: from, to: to) else {
            throw WorkflowError.permanent("sync cursor '\(name)' is not held by run \(run.uuidString.lowercased()) at \(from ?? "the start")")
        }
        return runNumber
    }
}
