import Foundation
import PostgresNIO

extension WorkflowStore {
    /// How stale a token's `last_used_at` (and a dashboard session's `last_seen_at`) may get
    /// before a request refreshes it: at most one write a minute per token or session, whatever
    /// the request rate, so that authenticating a read is a read.
    public static let lastSeenResolution = Duration.seconds(60)

    /// Stores a new admin token by the SHA-256 of its text (computed by Postgres); returns false
    /// when a token of that name exists (revoked ones included: names are never reused).
    public func createAdminToken(name: String, role: AdminRole, secret: String) async throws -> Bool {
        let rows = try await acknowledgedWrite("""
            INSERT INTO admin_tokens (name, role, token_hash)
            VALUES (\(name), \(role.rawValue), encode(sha256(convert_to(\(secret), 'UTF8')), 'hex'))
            ON CONFLICT (name) DO NOTHING RETURNING name
            """)
        if try rows.first?.decode(String.self) != nil { return true }
        return false
    }

    /// The name and role of the live token with this text; nil when unknown or revoked. A read:
    /// its `last_used_at` is written only when older than ``lastSeenResolution`` (at most once a
    /// minute per token, however many requests it makes). The unique index on `token_hash`
    /// serves the lookup, the primary key the update.
    public func authenticateAdminToken(_ secret: String) async throws -> (name: String, role: AdminRole)? {
        let resolution = Self.intervalSeconds(Self.lastSeenResolution)
        let rows = try await client.query("""
            SELECT name, role, last_used_at IS NULL OR last_used_at <= now() - \(resolution) * interval '1 second'
            FROM admin_tokens
            WHERE token_hash = encode(sha256(convert_to(\(secret), 'UTF8')), 'hex') AND revoked_at IS NULL
            """, logger: logger)
        guard let (name, role, stale) = try await first(rows.decode((String, String, Bool).self)),
              let parsed = AdminRole(rawValue: role) else { return nil }
        if stale {
            // Repeats the staleness condition so concurrent requests write once between them.
            _ = try await client.query("""
                UPDATE admin_tokens SET last_used_at = now()
                WHERE name = \(name) AND (last_used_at IS NULL OR last_used_at <= now() - \(resolution) * interval '1 second')
                """, logger: logger)
        }
        return (name, parsed)
    }

    /// Revokes a token by name and ends its dashboard sessions; returns false when no live token
    /// has that name. The primary key of `admin_tokens`; `dashboard_sessions_by_token`.
    public func revokeAdminToken(name: String) async throws -> Bool {
        let rows = try await acknowledgedWrite("""
            WITH revoked AS (
                UPDATE admin_tokens SET revoked_at = now() WHERE name = \(name) AND revoked_at IS NULL RETURNING name
            ), ended AS (
                DELETE FROM dashboard_sessions WHERE token_name IN (SELECT name FROM revoked)
            )
            SELECT name FROM revoked
            """)
        if try rows.first?.decode(String.self) != nil { return true }
        return false
    }

    /// Every token, by name (a small table).
    public func adminTokens() async throws -> [AdminToken] {
        let rows = try await client.query("""
            SELECT name, role, created_at, last_used_at, revoked_at FROM admin_tokens ORDER BY name
            """, logger: logger)
        var result: [AdminToken] = []
        for try await (name, role, created, used, revoked) in rows.decode((String, String, Date, Date?, Date?).self) {
            result.append(AdminToken(name: name, role: AdminRole(rawValue: role) ?? .viewer, createdAt: created,
                                     lastUsedAt: used, revokedAt: revoked))
        }
        return result
    }

    /// A duration as the seconds an SQL interval is made of (`\(seconds) * interval '1 second'`).
    static func intervalSeconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
