import ArgumentParser
import Foundation
import Gateway
import Hummingbird
import Logging
import PortalCore

/// `portal-auth serve`: the HTTP gateway. Every option falls back to its environment variable.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the HTTP gateway (portal + admin JSON API).",
        usage: SettingsHelp.usage("serve"), discussion: SettingsHelp.discussion)

    /// The settings' flags, generated from `GatewayConfig.variables` (listed by --help: SettingsHelp).
    @Argument(parsing: .allUnrecognized, help: .hidden) var flags: [String] = []

    /// An unknown flag, or one without its value, is a usage error naming the flag.
    func validate() throws {
        do {
            _ = try ConfigVariable.overrides(flags, for: GatewayConfig.variables)
        } catch let error as ConfigError {
            throw ValidationError(error.message)
        }
    }

    func run() async throws {
        let overrides: [String: String]
        do {
            overrides = try ConfigVariable.overrides(flags, for: GatewayConfig.variables)
        } catch let error as ConfigError {
            throw ValidationError(error.message)
        }
        LoggingSystem.bootstrapOnce(overrides: overrides)
        let logger = Logger(label: "portal-auth.gateway")
        let config: GatewayConfig
        do {
            config = try GatewayConfig.load(environment: ProcessInfo.processInfo.environment, overrides: overrides)
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
            try await dependencies.checkStoredHashes(logger: logger)
        } catch let error as ConfigError {
            throw CLIFailure(message: error.message)
        }
        do {
            try await buildApplication(dependencies, logger: logger).runService()
        } catch where "\(error)".contains("Address already in use") || "\(error)".contains("EADDRINUSE") {
            throw CLIFailure(message: "port \(config.port) on \(config.host) is already in use: stop the other process, or choose another with PORT (or --port)")
        }
        // runService returns once SIGTERM or SIGINT has drained the requests in flight.
        logger.info("gateway stopped")
    }
}
