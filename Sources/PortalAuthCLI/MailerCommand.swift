import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Mailer
import PQ
import PortalCore
import ServiceLifecycle

/// `portal-auth mailer`: sends the outbox. Every option falls back to its environment variable.
struct MailerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailer",
        abstract: "Send queued mail (LISTEN/NOTIFY + polling); SMTP when SMTP_HOST is set, else .eml files in MAIL_DIR.")

    @Option(name: .customLong("database-url"), help: "libpq URI or conninfo, a direct connection (env: DATABASE_URL).")
    var databaseURL: String?
    @Option(name: .customLong("base-url"), help: "Public base URL for links (env: PORTAL_BASE_URL).")
    var baseURL: String?
    @Option(name: .customLong("smtp-host"), help: "SMTP relay (env: SMTP_HOST); unset writes files.")
    var smtpHost: String?
    @Option(name: .customLong("smtp-port"), help: "SMTP port (env: SMTP_PORT).")
    var smtpPort: String?
    @Option(name: .customLong("smtp-tls"), help: "starttls | tls | none (env: SMTP_TLS).")
    var smtpTLS: String?
    @Option(name: .customLong("smtp-from"), help: "Sender address (env: SMTP_FROM).")
    var smtpFrom: String?
    @Option(name: .customLong("mail-dir"), help: "Folder for .eml files without SMTP (env: MAIL_DIR).")
    var mailDir: String?
    @Option(name: .customLong("templates-dir"), help: "Folder of overriding templates (env: MAIL_TEMPLATES_DIR).")
    var templatesDir: String?
    @Option(name: .customLong("batch"), help: "Mails claimed at once (env: MAILER_BATCH).")
    var batch: String?
    @Option(name: .customLong("poll-interval"), help: "Seconds between backstop polls (env: MAILER_POLL_INTERVAL).")
    var pollInterval: String?
    @Option(name: .customLong("id"), help: "Worker name in leases (env: MAILER_ID).")
    var id: String?
    @Option(name: .customLong("prune-interval"), help: "Seconds between retention prunes; unset: never (env: MAILER_PRUNE_INTERVAL).")
    var pruneInterval: String?
    @Option(name: .customLong("metrics-address"), help: "host:port serving GET /metrics and /healthz; unset: none (env: MAILER_METRICS_ADDRESS).")
    var metricsAddress: String?

    func run() async throws {
        LoggingSystem.bootstrapOnce()
        let logger = Logger(label: "portal-auth.mailer")
        let config: MailerConfig
        let templates: MailTemplates
        do {
            config = try MailerConfig.load(
                environment: ProcessInfo.processInfo.environment,
                overrides: [
                    "DATABASE_URL": databaseURL, "PORTAL_BASE_URL": baseURL, "SMTP_HOST": smtpHost, "SMTP_PORT": smtpPort,
                    "SMTP_TLS": smtpTLS, "SMTP_FROM": smtpFrom, "MAIL_DIR": mailDir, "MAIL_TEMPLATES_DIR": templatesDir,
                    "MAILER_BATCH": batch, "MAILER_POLL_INTERVAL": pollInterval, "MAILER_ID": id,
                    "MAILER_PRUNE_INTERVAL": pruneInterval, "MAILER_METRICS_ADDRESS": metricsAddress,
                ].compactMapValues { $0 })
            templates = try MailTemplates(overrideDirectory: config.templatesDirectory)
        } catch let error as ConfigError {
            throw CLIFailure(message: "configuration: \(error.message)")
        }
        let transport: any MailTransport = switch config.delivery {
        case .smtp(let settings): SMTPTransport(settings: settings)
        case .files(let directory): FileTransport(directory: directory, logger: logger)
        }
        let pool = ConnectionPool(conninfo: config.databaseURL, size: 2, applicationName: "portal-auth-mailer", logger: logger)
        defer { pool.close() }
        let service = MailerService(config: config, pool: pool, transport: transport, templates: templates, logger: logger)
        var services: [any Service] = [service]
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
