import ArgumentParser
import Foundation
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
        let group = ServiceGroup(configuration: .init(
            services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
