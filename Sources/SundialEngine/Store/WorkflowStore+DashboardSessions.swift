import Crypto
import Foundation
import PostgresNIO

/// The SQL of the dashboard's sessions (`dashboard_sessions`). A session id is the browser's
/// secret: it is hashed here (SHA-256) before any statement, so neither the table nor the
/// statements sent to PostgreSQL carry it. A session is live while its token is, until its idle
/// expiry (which never passes its absolute expiry); reading it is a read, and only once
/// ``lastSeenResolution`` has passed does a request write its new last-seen time (a session's
/// idle timeout may therefore end it up to that much early).
extension WorkflowStore {
    /// Opens the session `sessionID` for the live token `tokenName`: it ends `lifetime` after
    /// now, or `idleTimeout` after its last request. False when the token is unknown or revoked.
    /// Sessions that ended are swept away in the same statement.
    public func openDashboardSession(_ sessionID: String, tokenName: String, lifetime: Duration, idleTimeout: Duration) async throws -> Bool {
        let hash = Self.sessionHash(sessionID)
        let lifetime = Self.intervalSeconds(lifetime)
        let idle = min(Self.intervalSeconds(idleTimeout), lifetime)
        // The sweep: dashboard_sessions_by_expiry. The token: admin_tokens' primary key. The
        // insert: dashboard_sessions' primary key.
        let rows = try await acknowledgedWrite("""
            WITH swept AS (DELETE FROM dashboard_sessions WHERE idle_expires_at <= now())
            INSERT INTO dashboard_sessions (id_hash, token_name, expires_at, idle_expires_at)
            SELECT \(hash), name, now() + \(lifetime) * interval '1 second', now() + \(idle) * interval '1 second'
            FROM admin_tokens WHERE name = \(tokenName) AND revoked_at IS NULL
            RETURNING token_name
            """)
        return try rows.first?.decode(String.self) != nil
    }

    /// The token name and role of the live session `sessionID`; nil when it is unknown, ended
    /// (idle or absolute expiry, logout) or its token is revoked. Refreshes its last-seen time
    /// and idle expiry, and its token's last use, when they are older than
    /// ``lastSeenResolution``.
    public func dashboardSession(_ sessionID: String, idleTimeout: Duration) async throws -> (name: String, role: AdminRole)? {
        let hash = Self.sessionHash(sessionID)
        let resolution = Self.intervalSeconds(Self.lastSeenResolution)
        // The primary keys of dashboard_sessions and admin_tokens.
        let rows = try await client.query("""
            SELECT t.name, t.role, s.last_seen_at <= now() - \(resolution) * interval '1 second'
            FROM dashboard_sessions s JOIN admin_tokens t ON t.name = s.token_name
            WHERE s.id_hash = \(hash) AND s.idle_expires_at > now() AND s.expires_at > now() AND t.revoked_at IS NULL
            """, logger: logger)
        guard let (name, role, stale) = try await first(rows.decode((String, String, Bool).self)),
              let parsed = AdminRole(rawValue: role) else { return nil }
        if stale {
            try await touchDashboardSession(hash: hash, tokenName: name, idleTimeout: idleTimeout)
        }
        return (name, parsed)
    }

    /// Ends the session `sessionID` (logout): a copy of its cookie opens nothing afterwards.
    /// The primary key of dashboard_sessions.
    public func closeDashboardSession(_ sessionID: String) async throws {
        _ = try await acknowledgedWrite("DELETE FROM dashboard_sessions WHERE id_hash = \(Self.sessionHash(sessionID))")
    }

    /// Moves a session's last-seen time and idle expiry to now, and its token's last use. The
    /// staleness conditions are repeated so concurrent requests write once between them.
    /// The primary keys of dashboard_sessions and admin_tokens.
    private func touchDashboardSession(hash: String, tokenName: String, idleTimeout: Duration) async throws {
        let resolution = Self.intervalSeconds(Self.lastSeenResolution)
        let idle = Self.intervalSeconds(idleTimeout)
        _ = try await client.query("""
            WITH seen AS (
                UPDATE dashboard_sessions
                SET last_seen_at = now(), idle_expires_at = least(now() + \(idle) * interval '1 second', expires_at)
                WHERE id_hash = \(hash) AND idle_expires_at > now() AND last_seen_at <= now() - \(resolution) * interval '1 second'
            )
            UPDATE admin_tokens SET last_used_at = now()
            WHERE name = \(tokenName) AND (last_used_at IS NULL OR last_used_at <= now() - \(resolution) * interval '1 second')
            """, logger: logger)
    }

    /// The stored form of a session id: its SHA-256 in hex.
    static func sessionHash(_ sessionID: String) -> String {
        SHA256.hash(data: Data(sessionID.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
