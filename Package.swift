// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "portal-auth",
    // Linux only, so no `platforms`: the libpq reactor's poller is epoll (CPoll), and
    // everything that builds and runs this (the Dockerfile, CI, the deployments) is Linux. A
    // macOS build would need a kqueue poller, not a declaration.
    products: [
        .executable(name: "portal-auth", targets: ["PortalAuthCLI"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // C libraries, wrapped once each (module.modulemap + shim.h).
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // epoll (Linux): the one poller thread of the libpq reactor and listener.
        .systemLibrary(name: "CPoll"),
        // libcurl (SMTP): typed wrappers around its variadic setopt/getinfo.
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        // Thread queues for blocking work: libpq connects, scrypt, SMTP.
        .target(name: "WorkQueues"),
        // libpq wrapper: Connection, ConnectionPool (a reactor over non-blocking connections, its
        // protocol logic in value-type state machines), row decoding, PQError, Listener.
        .target(
            name: "PQ",
            dependencies: [
                "CLibPQ", "CPoll", "WorkQueues",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // scrypt (PHC + legacy), token derivation, HMAC, constant-time compare, secrets.
        .target(name: "PortalCrypto", dependencies: ["COpenSSL"]),
        // The SQL (sql/schema, sql/internal, sql/api) as resources: the binary carries the SQL it
        // was built with. The pgTAP tests and the folder's README stay out of the bundle.
        .target(
            name: "PortalSQL",
            path: "sql",
            exclude: ["tests", "README.md"],
            sources: ["PortalSQL.swift"],
            resources: [.copy("schema"), .copy("internal"), .copy("api")]
        ),
        // Config, password policy, the SQL API as Swift functions, migrations.
        .target(
            name: "PortalCore",
            dependencies: [
                "PQ", "PortalCrypto", "PortalSQL", "WorkQueues",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources")]
        ),
        // The HTTP gateway (Hummingbird 2).
        .target(
            name: "Gateway",
            dependencies: [
                "PortalCore", "PQ", "PortalCrypto",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Pages")]
        ),
        // The mailer: LISTEN/NOTIFY + poll, outbox claiming, token sealing, templates, SMTP.
        .target(
            name: "Mailer",
            dependencies: [
                "PortalCore", "PQ", "PortalCrypto", "CCurl",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Templates")]
        ),
        .executableTarget(
            name: "PortalAuthCLI",
            dependencies: [
                "PortalCore", "Gateway", "PQ", "Mailer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Where the integration tests find their databases and the built binary.
        // Tests: unit targets need nothing (a bare `swift test` runs them); integration targets run when
        // scripts/test.sh provides the databases, the SMTP sink and the binary, and skip otherwise,
        // saying why. TestSupport finds all three.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "PQIntegrationTests", dependencies: ["PQ", "PortalCore", "PortalCrypto", "TestSupport"]),
        // The reactor's state machines, without a server.
        .testTarget(name: "PQUnitTests", dependencies: ["PQ"]),
        .testTarget(name: "CLIIntegrationTests", dependencies: ["PQ", "PortalCore", "TestSupport"]),
        // The CLI's own logic (exit codes, flags, output), without a database or the binary.
        .testTarget(name: "CLIUnitTests", dependencies: ["PortalAuthCLI", "PortalCore", "PQ", "Gateway", "Mailer"]),
        .testTarget(
            name: "GatewayUnitTests",
            dependencies: [
                "Gateway", "PortalCore", "PortalCrypto", "PQ", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "MailerUnitTests", dependencies: ["Mailer", "PortalCore"]),
        // Unit tests of the core (no database).
        .testTarget(
            name: "PortalCoreUnitTests",
            dependencies: [
                "PortalCore", "PortalCrypto", "PQ", "Gateway", "Mailer", "TestSupport", .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "GatewayIntegrationTests",
            dependencies: [
                "Gateway", "PortalCore", "PQ", "PortalCrypto", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "MailerIntegrationTests",
            dependencies: ["Mailer", "PortalCore", "PQ", "PortalCrypto", "TestSupport"]
        ),
        .testTarget(
            name: "PortalCryptoUnitTests",
            dependencies: ["PortalCrypto"],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
