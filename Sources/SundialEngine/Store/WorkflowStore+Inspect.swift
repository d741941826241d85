import Foundation
import PostgresNIO

/// A workflow instance as an operator sees it. Reading it needs no replay: the state is stored.
public struct WorkflowSnapshot: Sendable, Codable, Equatable {
    public let id: UUID
    public let type: String
    public let version: Int
    public let businessKey: String
    public let state: String
    public let status: WorkflowStatus
    public let input: String
    public let context: String
    public let output: String?
    public let compensations: String
    public let runAt: Date?
    public let waitSignal: String?
    public let visit: Int
    public let attempt: Int
    public let lastError: String?
    public let leaseOwner: String?
    public let fencingToken: Int64
    public let cancelRequested: Bool
    public let createdAt: Date
    public let updatedAt: Date
    public let finishedAt: Date?
    /// The workflow that started this one as a child.
    public let parentID: UUID?
    /// The run this one repeats, when an operator started it as a rerun.
    public var rerunOf: UUID? = nil
    /// When an await with a timeout gives up (nil otherwise).
    public var waitDeadline: Date? = nil
}

/// One row of the durable outbox.
public struct OutboxRow: Sendable, Codable, Equatable {
    public let id: Int64
    public let workflowID: UUID
    public let topic: String
    public let dedupeKey: String
    public let payload: String
    public let status: String
    public let attempts: Int
}

/// One line of a workflow listing.
public struct WorkflowSummary: Sendable, Codable, Equatable {
    public let id: UUID
    public let type: String
    public let businessKey: String
    public let status: WorkflowStatus
    public let state: String
    public let updatedAt: Date
}

/// One entry of a workflow's append-only history.
public struct HistoryEntry: Sendable, Codable, Equatable {
    public let id: Int64
    public let visit: Int
    public let event: String
    public let fromState: String?
    public let toState: String?
    public let attempt: Int
    public let error: String?
    public let durationMilliseconds: Double?
    public let workerID: String?
    public let createdAt: Date
}

extension WorkflowStore {
    /// One workflow by id (primary key).
    public func workflow(_ id: UUID) async throws -> WorkflowSnapshot {
        let rows = try await client.query("""
            SELECT \(unescaped: Self.snapshotColumnList) FROM workflows WHERE id = \(id)
            """, logger: logger)
        guard let snapshot = try await Self.firstSnapshot(rows) else { throw StoreError.notFound(id) }
        return snapshot
    }

    /// The workflow of `type` started with `businessKey` (an order id), if any. Served by the
    /// `workflows_business_key_unique` index.
    public func workflow(type: String, businessKey: String) async throws -> WorkflowSnapshot? {
        let rows = try await client.query("""
            SELECT \(unescaped: Self.snapshotColumnList) FROM workflows WHERE type = \(type) AND business_key = \(businessKey)
            """, logger: logger)
        return try await Self.firstSnapshot(rows)
    }

    static let snapshotColumnList = """
        id, type, version, business_key, state, status, input::text, context::text, output::text,
        compensations::text, run_at, wait_signal, visit, attempt, last_error, lease_owner,
        fencing_token, cancel_requested, created_at, updated_at, finished_at, parent_id, rerun_of, wait_deadline
        """

    private static func firstSnapshot(_ rows: PostgresRowSequence) async throws -> WorkflowSnapshot? {
        for try await row in rows { return try snapshot(from: row) }
        return nil
    }

    /// A snapshot from a row of `snapshotColumnList`.
    static func snapshot(from row: PostgresRow) throws -> WorkflowSnapshot {
        let r = row.makeRandomAccess()
        return WorkflowSnapshot(
            id: try r["id"].decode(UUID.self),
            type: try r["type"].decode(String.self),
            version: try r["version"].decode(Int.self),
            businessKey: try r["business_key"].decode(String.self),
            state: try r["state"].decode(String.self),
            status: WorkflowStatus(rawValue: try r["status"].decode(String.self)) ?? .runnable,
            input: try r["input"].decode(String.self),
            context: try r["context"].decode(String.self),
            output: try r["output"].decode(String?.self),
            compensations: try r["compensations"].decode(String.self),
            runAt: try r["run_at"].decode(Date?.self),
            waitSignal: try r["wait_signal"].decode(String?.self),
            visit: try r["visit"].decode(Int.self),
            attempt: try r["attempt"].decode(Int.self),
            lastError: try r["last_error"].decode(String?.self),
            leaseOwner: try r["lease_owner"].decode(String?.self),
            fencingToken: try r["fencing_token"].decode(Int64.self),
            cancelRequested: try r["cancel_requested"].decode(Bool.self),
            createdAt: try r["created_at"].decode(Date.self),
            updatedAt: try r["updated_at"].decode(Date.self),
            finishedAt: try r["finished_at"].decode(Date?.self),
            parentID: try r["parent_id"].decode(UUID?.self),
            rerunOf: try r["rerun_of"].decode(UUID?.self),
            waitDeadline: try r["wait_deadline"].decode(Date?.self))
    }

    /// The workflows that tagged themselves `name` = `value`, oldest first (primary key of
    /// `workflow_tags`).
    public func workflowIDs(tag name: String, value: String) async throws -> [UUID] {
        let rows = try await client.query("""
            SELECT workflow_id FROM workflow_tags WHERE name = \(name) AND value = \(value) ORDER BY created_at LIMIT 100
            """, logger: logger)
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        return ids
    }

    /// The whole history of one workflow, oldest first (index `workflow_history_by_workflow`).
    /// Unbounded: for tests and tools that need every entry; operator reads page through
    /// ``historyPage(_:after:limit:)`` or ``latestHistory(_:limit:)``.
    public func history(_ id: UUID) async throws -> [HistoryEntry] {
        let rows = try await client.query("""
            SELECT \(unescaped: Self.historyColumnList) FROM workflow_history WHERE workflow_id = \(id) ORDER BY id
            """, logger: logger)
        var entries: [HistoryEntry] = []
        for try await row in rows { entries.append(try Self.historyEntry(from: row)) }
        return entries
    }

    static let historyColumnList = "id, visit, event, from_state, to_state, attempt, error, duration_ms, worker_id, created_at"

    /// A history entry from a row of `historyColumnList`.
    static func historyEntry(from row: PostgresRow) throws -> HistoryEntry {
        let r = row.makeRandomAccess()
        return HistoryEntry(
            id: try r["id"].decode(Int64.self),
            visit: try r["visit"].decode(Int.self),
            event: try r["event"].decode(String.self),
            fromState: try r["from_state"].decode(String?.self),
            toState: try r["to_state"].decode(String?.self),
            attempt: try r["attempt"].decode(Int.self),
            error: try r["error"].decode(String?.self),
            durationMilliseconds: try r["duration_ms"].decode(Double?.self),
            workerID: try r["worker_id"].decode(String?.self),
            createdAt: try r["created_at"].decode(Date.self))
    }

    /// The outbox messages a workflow wrote, oldest first (index `outbox_by_workflow`).
    public func outbox(of workflowID: UUID) async throws -> [OutboxRow] {
        let rows = try await client.query("""
            SELECT id, workflow_id, topic, dedupe_key, payload::text, status, attempts
            FROM outbox WHERE workflow_id = \(workflowID) ORDER BY id
            """, logger: logger)
        var result: [OutboxRow] = []
        for try await (id, workflow, topic, key, payload, status, attempts) in rows.decode((Int64, UUID, String, String, String, String, Int).self) {
            result.append(OutboxRow(id: id, workflowID: workflow, topic: topic, dedupeKey: key, payload: payload, status: status, attempts: attempts))
        }
        return result
    }

    /// The ids of the workflows `parentID` started (index `workflows_by_parent`).
    public func children(of parentID: UUID) async throws -> [UUID] {
        let rows = try await client.query("SELECT id FROM workflows WHERE parent_id = \(parentID) ORDER BY created_at", logger: logger)
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        return ids
    }

    /// A short summary row per workflow, newest first, optionally filtered by type and status.
    /// Served by `workflows_status_type` when a status is given; an operator listing, not a hot path.
    public func list(type: String? = nil, status: WorkflowStatus? = nil, limit: Int = 50) async throws -> [WorkflowSummary] {
        counters.other.add(1, ordering: .relaxed)
        let rows = try await client.query("""
            SELECT id, type, business_key, status, state, updated_at FROM workflows
            WHERE (\(type)::text IS NULL OR type = \(type)::text)
              AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue)::text)
            ORDER BY created_at DESC, id
            LIMIT \(limit)
            """, logger: logger)
        var result: [WorkflowSummary] = []
        for try await (id, type, key, status, state, updated) in rows.decode((UUID, String, String, String, String, Date).self) {
            result.append(WorkflowSummary(id: id, type: type, businessKey: key, status: WorkflowStatus(rawValue: status) ?? .runnable,
                                          state: state, updatedAt: updated))
        }
        return result
    }

    /// Counts of workflows by status (for progress lines and tests).
    public func countsByStatus(type: String? = nil) async throws -> [WorkflowStatus: Int] {
        let rows = try await client.query("""
            SELECT status, count(*)::int8 FROM workflows
            WHERE \(type)::text IS NULL OR type = \(type)::text
            GROUP BY status
            """, logger: logger)
        var counts: [WorkflowStatus: Int] = [:]
        for try await (status, count) in rows.decode((String, Int64).self) {
            if let parsed = WorkflowStatus(rawValue: status) { counts[parsed] = Int(count) }
        }
        return counts
    }
}
