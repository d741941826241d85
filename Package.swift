// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Sundial",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Sundial", targets: ["Sundial"]),
        .library(name: "SundialEngine", targets: ["SundialEngine"]),
        .executable(name: "sundial", targets: ["sundial"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // HTTPRequestPart/HTTPResponsePart, for the listener's own channel handlers (Hummingbird uses it too).
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        // Test only: reads the vendors' YAML OpenAPI documents for the contract tests.
        .package(url: "https://github.com/jpsim/Yams.git", "5.0.1"..<"7.0.0"),
    ],
    targets: [
        // The public workflow API: what `Workflows/` is written against. No database, no HTTP.
        .target(
            name: "Sundial",
            dependencies: [.product(name: "Logging", package: "swift-log")]
        ),
        // Workers, claiming, leases, timers, the Postgres store and the migration runner.
        .target(
            name: "SundialEngine",
            dependencies: [
                "Sundial",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                // AES-GCM for the shared secrets store (`EncryptedSecrets`).
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            plugins: ["EmbedMigrations"]
        ),
        // The benchmark sections `ops/bench` runs (release build).
        .executableTarget(
            name: "sundial-bench",
            dependencies: [
                "SundialEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // `ops/chaos`: the chaos run with its invariant checks.
        .executableTarget(
            name: "sundial-chaos",
            dependencies: [
                "SundialEngine", "Workflows", "Sandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // Build-time tool: turns `Migrations/*.sql` into Swift source so the binary carries its schema.
        .executableTarget(name: "sundial-embed-migrations"),
        .plugin(
            name: "EmbedMigrations",
            capability: .buildTool(),
            dependencies: ["sundial-embed-migrations"]
        ),
        // SunStyle's business workflows, written only against `Sundial` and the clients' protocols.
        .target(
            name: "Workflows",
            dependencies: ["Sundial", "Integrations"],
            path: "Workflows"
        ),
        // The composition of the order workflow's outside world (clients, limits, label folder)
        // from configuration: shared by `sundial worker` and the end-to-end tests.
        .target(
            name: "SundialWiring",
            dependencies: [
                "SundialEngine", "Workflows", "Integrations", "Sandbox",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // The executable: argument parsing and wiring of one ServiceGroup.
        .executableTarget(
            name: "sundial",
            dependencies: [
                "SundialEngine",
                "Workflows",
                "Sandbox",
                "SundialHTTP",
                "Integrations",
                "SundialWiring",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Probe workflows and an "outside world" ledger shared by the tests and the test worker.
        .target(
            name: "SundialTestSupport",
            dependencies: [
                "SundialEngine", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Tests/Support"
        ),
        // A worker binary running the probe workflows, which the engine tests start, kill and restart.
        .executableTarget(
            name: "SundialTestWorker",
            dependencies: ["SundialEngine", "SundialTestSupport"],
            path: "Tests/TestWorker"
        ),
        // The HTTP surfaces: health, metrics, order intake, payment and carrier webhooks (and later admin).
        .target(
            name: "SundialHTTP",
            dependencies: [
                "Sundial",
                "SundialEngine",
                "Workflows",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // Fetches the authorization server's JWKS.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "SundialHTTPTests",
            dependencies: [
                "SundialHTTP", "SundialEngine", "Sundial", "Workflows",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // libssh2 from Debian (libssh2-1-dev), for SFTP uploads.
        .systemLibrary(name: "CLibSSH2", pkgConfig: "libssh2", providers: [.apt(["libssh2-1-dev"])]),
        // Clients of the outside world (Stripe, FedEx, UPS, USPS, QuickBooks, SFTP, signed
        // webhooks), each behind the small protocol the workflows use.
        .target(
            name: "Integrations",
            dependencies: [
                "Sundial",
                "CLibSSH2",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "IntegrationsTests",
            dependencies: [
                "Integrations", "Sandbox",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Local simulators of Stripe, FedEx, UPS, USPS, QuickBooks and the shop webhook receiver,
        // which also send carrier tracking and Stripe webhooks (AsyncHTTPClient).
        .target(
            name: "Sandbox",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "SundialTests", dependencies: ["Sundial"]),
        // Every request the clients send and every answer the simulators give, checked against
        // the vendors' own OpenAPI documents in `Tests/Contracts/vendor-openapi/`.
        .testTarget(
            name: "ContractTests",
            dependencies: [
                "Integrations", "Sandbox", "Sundial",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(
            name: "SandboxTests",
            dependencies: [
                "Sandbox",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The order workflow end to end: real Postgres, the sandbox, real clients, real workers.
        .testTarget(
            name: "OrderTests",
            dependencies: [
                "SundialEngine", "Workflows", "SundialWiring", "Sandbox", "Integrations", "SundialTestSupport", "sundial",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "SundialEngineTests",
            dependencies: [
                "SundialEngine", "Workflows", "SundialTestSupport", "SundialTestWorker",
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
    ]
)
