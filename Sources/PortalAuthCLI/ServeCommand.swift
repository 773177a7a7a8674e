import ArgumentParser
import Foundation
import Gateway
import Hummingbird
import Logging
import PQ
import PortalCore

/// `portal-auth serve`: the HTTP gateway.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the HTTP gateway.")

    @Option(name: .customLong("database-url"), help: "libpq URI or conninfo (env: DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "Listen address (env: HOST, default 127.0.0.1).")
    var host: String?

    @Option(help: "Listen port (env: PORT, default 8080).")
    var port: Int?

    func run() async throws {
        LoggingSystem.bootstrapOnce()
        let environment = ProcessInfo.processInfo.environment
        guard let url = databaseURL ?? environment["DATABASE_URL"], !url.isEmpty else {
            throw ValidationError("DATABASE_URL is not set (or pass --database-url)")
        }
        let logger = Logger(label: "portal-auth.gateway")
        let pool = ConnectionPool(conninfo: url, size: 8, logger: logger)
        defer { pool.close() }
        let app = buildApplication(
            pool: pool,
            host: host ?? environment["HOST"] ?? "127.0.0.1",
            port: port ?? environment["PORT"].flatMap(Int.init) ?? 8080,
            logger: logger)
        try await app.runService()
    }
}
