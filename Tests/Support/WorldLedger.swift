import Foundation
import Logging
import PostgresNIO

/// The "outside world" the probe workflows act on: a table that records each side effect
/// once per idempotency key and counts how often it was asked for, the way an idempotent
/// external API would. Tests read it to prove "once per key" across crashes.
public struct WorldLedger: Sendable {
    public let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "world")) {
        self.client = client
        self.logger = logger
    }

    /// Creates the ledger table in the current schema.
    public func create() async throws {
        try await client.query("""
            CREATE TABLE IF NOT EXISTS world_effects (
                idempotency_key text PRIMARY KEY,
                kind  text NOT NULL,
                calls integer NOT NULL DEFAULT 1,
                first_at timestamptz NOT NULL DEFAULT now()
            )
            """, logger: logger)
        try await client.query("""
            CREATE TABLE IF NOT EXISTS world_events (
                id bigserial PRIMARY KEY,
                workflow_key text NOT NULL,
                event text NOT NULL
            )
            """, logger: logger)
    }

    /// Applies an effect once per key; a repeated key only counts the call.
    public func apply(kind: String, key: String) async throws {
        try await client.query("""
            INSERT INTO world_effects (idempotency_key, kind) VALUES (\(key), \(kind))
            ON CONFLICT (idempotency_key) DO UPDATE SET calls = world_effects.calls + 1
            """, logger: logger)
    }

    /// Appends an event in order (compensation order, branch taken, ...).
    public func record(_ event: String, for workflowKey: String) async throws {
        try await client.query("INSERT INTO world_events (workflow_key, event) VALUES (\(workflowKey), \(event))", logger: logger)
    }

    public func events(for workflowKey: String) async throws -> [String] {
        let rows = try await client.query("SELECT event FROM world_events WHERE workflow_key = \(workflowKey) ORDER BY id", logger: logger)
        var events: [String] = []
        for try await event in rows.decode(String.self) { events.append(event) }
        return events
    }

    /// Waits until something was recorded for `workflowKey`: a gate a test opens (with
    /// ``record(_:for:)``) while a probe's handler holds inside a step.
    public func waitUntilRecorded(_ workflowKey: String, every interval: Duration = .milliseconds(20)) async throws {
        while try await events(for: workflowKey).isEmpty {
            try await Task.sleep(for: interval)
        }
    }

    /// (effects applied, calls made) for keys starting with `prefix`.
    public func effects(keyPrefix prefix: String) async throws -> [(key: String, calls: Int)] {
        let rows = try await client.query("""
            SELECT idempotency_key, calls FROM world_effects WHERE starts_with(idempotency_key, \(prefix)) ORDER BY idempotency_key
            """, logger: logger)
        var result: [(key: String, calls: Int)] = []
        for try await (key, calls) in rows.decode((String, Int).self) { result.append((key, calls)) }
        return result
    }
}
