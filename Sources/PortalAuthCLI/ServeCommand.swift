import ArgumentParser
import Foundation
import Gateway
import Hummingbird
import Logging
import PortalCore

/// `portal-auth serve`: the HTTP gateway. Every option falls back to its environment variable.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the HTTP gateway (portal + admin JSON API).")

    @Option(name: .customLong("database-url"), help: "libpq URI or conninfo (env: DATABASE_URL).")
    var databaseURL: String?
    @Option(name: .customLong("base-url"), help: "Public base URL of the portal (env: PORTAL_BASE_URL).")
    var baseURL: String?
    @Option(name: .customLong("allowed-origins"), help: "Comma-separated origins for CORS/CSRF (env: PORTAL_ALLOWED_ORIGINS).")
    var allowedOrigins: String?
    @Option(name: .customLong("session-ttl"), help: "Session lifetime, e.g. 12h (env: PORTAL_SESSION_TTL).")
    var sessionTTL: String?
    @Option(name: .customLong("scrypt"), help: "scrypt parameters, e.g. ln=17,r=8,p=1 (env: PORTAL_SCRYPT).")
    var scrypt: String?
    @Option(name: .customLong("hash-workers"), help: "scrypt worker threads (env: PORTAL_HASH_WORKERS).")
    var hashWorkers: String?
    @Option(name: .customLong("hash-queue"), help: "Sign-ins waiting before 503 (env: PORTAL_HASH_QUEUE).")
    var hashQueue: String?
    @Option(name: .customLong("db-pool"), help: "Database connections (env: PORTAL_DB_POOL).")
    var databasePool: String?
    @Option(help: "Listen address (env: HOST).")
    var host: String?
    @Option(help: "Listen port (env: PORT).")
    var port: String?

    func run() async throws {
        LoggingSystem.bootstrapOnce()
        let logger = Logger(label: "portal-auth.gateway")
        let config: GatewayConfig
        do {
            config = try GatewayConfig.load(
                environment: ProcessInfo.processInfo.environment,
                overrides: [
                    "DATABASE_URL": databaseURL, "PORTAL_BASE_URL": baseURL, "PORTAL_ALLOWED_ORIGINS": allowedOrigins,
                    "PORTAL_SESSION_TTL": sessionTTL, "PORTAL_SCRYPT": scrypt, "PORTAL_HASH_WORKERS": hashWorkers,
                    "PORTAL_HASH_QUEUE": hashQueue, "PORTAL_DB_POOL": databasePool, "HOST": host, "PORT": port,
                ].compactMapValues { $0 })
        } catch let error as ConfigError {
            throw CLIFailure(message: "configuration: \(error.message)")
        }
        let dependencies = try GatewayDependencies(config: config, logger: logger)
        defer { dependencies.shutdown() }
        logger.info("gateway starting", metadata: [
            "address": "\(config.host):\(config.port)", "scrypt": "\(config.scrypt)", "hashWorkers": "\(config.hashWorkers)",
        ])
        dependencies.announceSessionKeys(logger: logger)
        await dependencies.checkDatabase(logger: logger)
        do {
            try await buildApplication(dependencies, logger: logger).runService()
        } catch where "\(error)".contains("Address already in use") || "\(error)".contains("EADDRINUSE") {
            throw CLIFailure(message: "port \(config.port) on \(config.host) is already in use: stop the other process, or choose another with PORT (or --port)")
        }
    }
}
