import ArgumentParser
import Foundation
import SundialEngine
import SundialHTTP

/// `sundial tokens ...`: admin API tokens (`create`, `list`, `revoke`: random `sdl_` tokens
/// stored hashed, with a role) and `mint`, a development access token for the intake API signed
/// HS256 with the server's shared secret.
struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "Admin API tokens, and development access tokens for the intake API.",
        subcommands: [Create.self, List.self, Revoke.self, Mint.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an admin API token; it is printed once and stored only as its SHA-256.")
        @OptionGroup var common: CommonOptions
        @Option(help: "viewer, operator, finance or admin.") var role: String
        @Option(help: "A unique name for the token (the actor in the audit trail).") var name: String

        func validate() throws {
            guard AdminRole(rawValue: role) != nil else {
                throw ValidationError("--role: expected one of \(AdminRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard (1...100).contains(name.count), !name.hasPrefix("cli:"), name.allSatisfy({ !$0.isWhitespace }) else {
                throw ValidationError("--name: 1 to 100 characters without spaces, not starting with cli:")
            }
        }

        func run() async throws {
            let role = AdminRole(rawValue: self.role)!
            let name = self.name
            let secret = AdminTokenSecret.generate()
            let created = try await WorkflowsCommand.withClient(common) { client in
                let created = try await client.store.createAdminToken(name: name, role: role, secret: secret)
                try await client.store.recordAudit(actor: CLIActor.name, action: "token.create", target: "token:\(name)", reason: nil,
                                                   outcome: created ? "ok" : "refused", detail: created ? "role \(role.rawValue)" : "name exists")
                return created
            }
            guard created else { throw CLIError(message: "a token named '\(name)' already exists (names are never reused)") }
            print(secret)
            FileHandle.standardError.write(Data("token '\(name)' (\(role.rawValue)) created; it is shown only this once\n".utf8))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List admin API tokens (never their secrets).")
        @OptionGroup var common: CommonOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let tokens = try await WorkflowsCommand.withClient(common) { client in try await client.store.adminTokens() }
            if json { return try WorkflowsCommand.printJSON(tokens) }
            TextTable.print(["NAME", "ROLE", "CREATED", "LAST USED", "REVOKED"], tokens.map {
                [$0.name, $0.role.rawValue, TextTable.time($0.createdAt), TextTable.time($0.lastUsedAt), TextTable.time($0.revokedAt)]
            })
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an admin API token by name.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "Token name.") var name: String

        func run() async throws {
            let name = self.name
            let revoked = try await WorkflowsCommand.withClient(common) { client in
                let revoked = try await client.store.revokeAdminToken(name: name)
                try await client.store.recordAudit(actor: CLIActor.name, action: "token.revoke", target: "token:\(name)", reason: nil,
                                                   outcome: revoked ? "ok" : "refused", detail: revoked ? nil : "no live token of that name")
                return revoked
            }
            guard revoked else { throw CLIError(message: "no live token named '\(name)'") }
            print("revoked \(name)")
        }
    }

    struct Mint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an HS256 access token signed with SUNDIAL_JWT_HS256_SECRET (for demos and manual tests).",
            discussion: """
                Signs with SUNDIAL_JWT_HS256_SECRET (the first when it lists several, with the first \
                of SUNDIAL_JWT_HS256_KID as kid), adding \
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
            let current: (secret: String, kid: String?)
            do {
                guard let first = try IntakeConfiguration.hs256Secrets(reader).first else {
                    throw ValidationError("SUNDIAL_JWT_HS256_SECRET is not set: the token is signed with the server's shared secret")
                }
                current = first
            } catch let error as ConfigurationError {
                throw ValidationError("configuration: \(error)")
            }
            let token: String
            do {
                token = try await DevTokenMinter.mint(
                    secret: current.secret, kid: current.kid, clientID: clientID,
                    scopes: scope.split(separator: " ").map(String.init), ttl: .seconds(ttl),
                    issuer: reader.string("SUNDIAL_JWT_ISSUER"), audience: reader.string("SUNDIAL_JWT_AUDIENCE"))
            } catch let error as TokenKeyError {
                throw ValidationError("SUNDIAL_JWT_HS256_SECRET: \(error)")
            }
            print(token)
        }
    }
}
