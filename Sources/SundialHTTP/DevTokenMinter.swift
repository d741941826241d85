import Foundation
import JWTKit

/// Signs HS256 access tokens with the intake API's shared secret, for the demo and manual
/// testing (`sundial tokens mint`). Production tokens come from the shop's authorization server;
/// this only saves running one on a laptop.
public enum DevTokenMinter {
    public static func mint(
        secret: String, kid: String? = nil, clientID: String, scopes: [String], ttl: Duration,
        issuer: String? = nil, audience: String? = nil, now: Date = Date()
    ) async throws -> String {
        let key = try await TokenKey.hs256(secret: secret, kid: kid)
        let now = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))  // whole seconds
        let claims = AccessTokenClaims(
            issuer: issuer, subject: clientID, audience: audience.map { AudienceClaim(value: [$0]) },
            expiresAt: ExpirationClaim(value: now.addingTimeInterval(Double(ttl.components.seconds))),
            issuedAt: IssuedAtClaim(value: now), tokenID: UUID().uuidString.lowercased(), clientID: clientID,
            scope: scopes.joined(separator: " "))
        var header = JWTHeader()
        header.typ = "at+jwt"
        if let kid { header.kid = kid }
        return try await key.keys.sign(claims, header: header)
    }
}
