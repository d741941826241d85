import Foundation
import PostgresNIO
import Sundial

extension WorkflowStore {
    /// Takes the sync's cursor for `run` (creating it at the start when new): granted when free,
    /// already `run`'s, or held by a run that ended without advancing it. Primary keys of
    /// `sync_cursors` and `workflows`; the row lock serialises two runs asking at once.
    public func acquireSyncCursor(_ name: String, run: UUID) async throws -> SyncCursorClaim {
        try await client.query("INSERT INTO sync_cursors (name) VALUES (\(name)) ON CONFLICT (name) DO NOTHING", logger: logger)
        let rows = try await client.query("""
            WITH taken AS (
                UPDATE sync_cursors c SET owner = \(run), updated_at = now()
                WHERE c.name = \(name) AND (c.owner IS NULL OR c.owner = \(run) OR NOT EXISTS (
                    SELECT 1 FROM workflows w WHERE w.id = c.owner
                      AND w.status IN ('runnable', 'sleeping', 'waiting', 'compensating', 'failed', 'compensation_failed')))
                RETURNING position, generation
            )
            SELECT true, position, generation, NULL::uuid FROM taken
            UNION ALL
            SELECT false, NULL::text, 0::int8, owner FROM sync_cursors WHERE name = \(name) AND NOT EXISTS (SELECT 1 FROM taken)
            """, logger: logger)
        if let (granted, position, generation, owner) = try await first(rows.decode((Bool, String?, Int64, UUID?).self)) {
            if granted { return .acquired(position: position, runNumber: Int(generation) + 1) }
            if let owner { return .held(by: owner) }
        }
        throw StoreError.notFound(run)
    }

    /// Moves the cursor `from` → `to` for its holder `run`, frees it and logs the advance in one
    /// statement; a repeat by the same run returns the logged run number. Nil when `run` neither
    /// holds the cursor at `from` nor advanced it before. Primary key of `sync_cursors`, unique
    /// `sync_cursor_advances_run (name, run_id)`.
    public func advanceSyncCursor(_ name: String, run: UUID, from: String?, to: String) async throws -> Int? {
        let rows = try await client.query("""
            WITH moved AS (
                UPDATE sync_cursors SET position = \(to), generation = generation + 1, owner = NULL, updated_at = now()
                WHERE name = \(name) AND owner = \(run) AND position IS NOT DISTINCT FROM \(from)::text
                RETURNING name, generation
            ), logged AS (
                INSERT INTO sync_cursor_advances (name, generation, run_id, from_position, to_position)
                SELECT name, generation, \(run), \(from)::text, \(to) FROM moved
                RETURNING generation
            )
            SELECT generation FROM logged
            UNION ALL
            SELECT generation FROM sync_cursor_advances WHERE name = \(name) AND run_id = \(run)
            """, logger: logger)
        if let generation = try await first(rows.decode(Int64.self)) { return Int(generation) }
        return nil
    }
}
