import Foundation
import PostgresNIO

extension WorkflowStore {
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

    /// The name and role of the live token with this text, marking it used; nil when unknown or
    /// revoked. Served by the unique index on `token_hash`.
    public func authenticateAdminToken(_ secret: String) async throws -> (name: String, role: AdminRole)? {
        let rows = try await client.query("""
            UPDATE admin_tokens SET last_used_at = now()
            WHERE token_hash = encode(sha256(convert_to(\(secret), 'UTF8')), 'hex') AND revoked_at IS NULL
            RETURNING name, role
            """, logger: logger)
        if let (name, role) = try await first(rows.decode((String, String).self)) {
            guard let parsed = AdminRole(rawValue: role) else { return nil }
            return (name, parsed)
        }
        return nil
    }

    /// Revokes a token by name; returns false when no live token has that name.
    public func revokeAdminToken(name: String) async throws -> Bool {
        let rows = try await acknowledgedWrite("""
            UPDATE admin_tokens SET revoked_at = now() WHERE name = \(name) AND revoked_at IS NULL RETURNING name
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
}
