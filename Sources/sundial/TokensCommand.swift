import ArgumentParser
import Foundation
import SundialEngine
import SundialHTTP

/// `sundial tokens mint`: a development access token for the intake API, signed HS256 with the
/// server's shared secret, for the demo and manual testing.
struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "Development access tokens for the intake API.", subcommands: [Mint.self])

    struct Mint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an HS256 access token signed with SUNDIAL_JWT_HS256_SECRET (for demos and manual tests).",
            discussion: """
                Signs with SUNDIAL_JWT_HS256_SECRET (and SUNDIAL_JWT_HS256_KID as kid), adding \
                SUNDIAL_JWT_ISSUER and SUNDIAL_JWT_AUDIENCE as iss and aud when set, so `sundial serve` \
                with the same environment accepts the token. For development only: in production the \
                shop obtains its tokens from its OAuth 2.0 authorization server (client credentials) \
                and Sundial only verifies them.
                """)

        @Option(help: "Space-separated scopes, e.g. \"orders:write orders:read\".")
        var scope: String

        @Option(help: "Lifetime in seconds (1 to 86400).")
        var ttl: Int = 3600

        @Option(name: .customLong("client-id"), help: "The client the token speaks for (client_id and sub).")
        var clientID: String = "demo-shop"

        func validate() throws {
            guard (1...86_400).contains(ttl) else { throw ValidationError("--ttl: expected 1 to 86400 seconds") }
            guard !scope.split(separator: " ").isEmpty else { throw ValidationError("--scope: name at least one scope") }
            guard !clientID.isEmpty else { throw ValidationError("--client-id: must not be empty") }
        }

        func run() async throws {
            let reader = EnvironmentReader()
            guard let secret = reader.string("SUNDIAL_JWT_HS256_SECRET") else {
                throw ValidationError("SUNDIAL_JWT_HS256_SECRET is not set: the token is signed with the server's shared secret")
            }
            let token: String
            do {
                token = try await DevTokenMinter.mint(
                    secret: secret, kid: reader.string("SUNDIAL_JWT_HS256_KID"), clientID: clientID,
                    scopes: scope.split(separator: " ").map(String.init), ttl: .seconds(ttl),
                    issuer: reader.string("SUNDIAL_JWT_ISSUER"), audience: reader.string("SUNDIAL_JWT_AUDIENCE"))
            } catch let error as TokenKeyError {
                throw ValidationError("SUNDIAL_JWT_HS256_SECRET: \(error)")
            }
            print(token)
        }
    }
}
