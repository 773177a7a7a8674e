import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Mailer
import PortalCore
import ServiceLifecycle

/// `portal-auth mailer`: sends the outbox. Every option falls back to its environment variable.
struct MailerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailer",
        abstract: "Send queued mail (LISTEN/NOTIFY + polling); SMTP when SMTP_HOST is set, else .eml files in MAIL_DIR.",
        usage: SettingsHelp.usage("mailer"), discussion: SettingsHelp.discussion)

    /// The settings' flags, generated from `MailerConfig.variables` (listed by --help: SettingsHelp).
    @Argument(parsing: .allUnrecognized, help: .hidden) var flags: [String] = []

    /// An unknown flag, or one without its value, is a usage error naming the flag.
    func validate() throws {
        do {
            _ = try ConfigVariable.overrides(flags, for: MailerConfig.variables)
        } catch let error as ConfigError {
            throw ValidationError(error.message)
        }
    }

    func run() async throws {
        let overrides: [String: String]
        do {
            overrides = try ConfigVariable.overrides(flags, for: MailerConfig.variables)
        } catch let error as ConfigError {
            throw ValidationError(error.message)
        }
        LoggingSystem.bootstrapOnce(overrides: overrides)
        let logger = Logger(label: "portal-auth.mailer")
        let config: MailerConfig
        let dependencies: MailerDependencies
        do {
            config = try MailerConfig.load(environment: ProcessInfo.processInfo.environment, overrides: overrides)
            dependencies = try MailerDependencies(config: config, logger: logger)
        } catch let error as ConfigError {
            throw CLIFailure(message: "configuration: \(error.message)")
        }
        defer { dependencies.shutdown() }
        let service = dependencies.service
        var services = dependencies.services
        if let address = config.metricsAddress {
            services.append(Self.metricsServer(service.metrics, address: address, logger: logger))
            logger.info("metrics served", metadata: ["address": "\(address)"])
        }
        let group = ServiceGroup(configuration: .init(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// `GET /metrics` (Prometheus text) and `GET /healthz` on `MAILER_METRICS_ADDRESS`. No
    /// authentication: bind it to an internal address (loopback, the pod network) only.
    static func metricsServer(_ metrics: MailerMetrics, address: ListenAddress, logger: Logger) -> some Service {
        let router = Router()
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        router.get("healthz") { _, _ in "ok\n" }
        return Application(
            router: router, configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil),
            logger: logger)
    }
}
