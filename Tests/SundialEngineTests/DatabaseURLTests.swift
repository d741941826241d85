import Foundation
@testable import SundialEngine
import Testing

@Suite("DATABASE_URL as libpq reads it: several hosts, sslmode, sslrootcert, target_session_attrs")
struct DatabaseURLTests {
    @Test("several hosts, IPv6, default port, percent-encoded password; the failover parameters")
    func severalHosts() throws {
        let configuration = try DatabaseConfiguration(
            url: "postgres://app:p%40ss@10.0.0.5:5439,[fd00::2],db3.internal:6000/orders?target_session_attrs=read-write&connect_timeout=3",
            environment: [:])
        #expect(configuration.endpoints == [
            DatabaseEndpoint(host: "10.0.0.5", port: 5439), DatabaseEndpoint(host: "fd00::2", port: 5432), DatabaseEndpoint(host: "db3.internal", port: 6000),
        ])
        #expect(configuration.username == "app")
        #expect(configuration.password == "p@ss")
        #expect(configuration.database == "orders")
        #expect(configuration.requiresPrimary)
        #expect(configuration.connectTimeout == .seconds(3))
        #expect(configuration.tlsMode == .prefer, "a non-loopback host defaults to at least prefer")
        #expect(!configuration.redactedDescription.contains("p@ss"))
        #expect(configuration.redactedDescription.contains("10.0.0.5:5439,[fd00::2]:5432,db3.internal:6000"))
    }

    @Test("sslmode: disable by default on loopback, prefer elsewhere; the URL wins over PGSSLMODE, which wins over the default")
    func sslModeDefaults() throws {
        #expect(try DatabaseConfiguration(url: "postgres://u@127.0.0.1:5439/d", environment: [:]).tlsMode == .disable)
        #expect(try DatabaseConfiguration(url: "postgres://u@localhost/d", environment: [:]).tlsMode == .disable)
        #expect(try DatabaseConfiguration(url: "postgres://u@127.0.0.1,db.example.com/d", environment: [:]).tlsMode == .prefer)
        #expect(try DatabaseConfiguration(url: "postgres://u@127.0.0.1/d", environment: ["PGSSLMODE": "require"]).tlsMode == .require)
        #expect(try DatabaseConfiguration(url: "postgres://u@127.0.0.1/d?sslmode=verify-ca", environment: ["PGSSLMODE": "require"]).tlsMode == .verifyCA)
        #expect(try DatabaseConfiguration(url: "postgres://u@db/d?sslmode=allow", environment: [:]).tlsMode == .prefer)
    }

    @Test("bad URLs and parameters are refused with the reason")
    func refusals() {
        let cases: [(String, String)] = [
            ("mysql://u@h/d", "expected postgres://"),
            ("postgres://h/d", "names no user"),
            ("postgres://u@h", "names no database"),
            ("postgres://u@h:99999/d", "is not a port"),
            ("postgres://u@h/d?sslmode=paranoid", "sslmode 'paranoid'"),
            ("postgres://u@h/d?target_session_attrs=standby", "target_session_attrs 'standby'"),
            ("postgres://u@h/d?sslrootcert=/no/such/ca.pem&sslmode=verify-full", "not a readable file"),
            ("postgres://u@h/d?sslcompression=1", "unknown parameter 'sslcompression'"),
        ]
        for (url, reason) in cases {
            #expect(throws: ConfigurationError.self, "\(url)") { try DatabaseConfiguration(url: url, environment: [:]) }
            do {
                _ = try DatabaseConfiguration(url: url, environment: [:])
            } catch {
                #expect("\(error)".contains(reason), "\(url): \(error)")
            }
        }
    }
}
