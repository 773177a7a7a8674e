import Logging
import PQ
import PortalCore
import ServiceLifecycle

/// Everything a mailer is made of, built once from its configuration: the mailer's composition
/// root (like the gateway's `GatewayDependencies`), shared by `portal-auth mailer` and the tests,
/// so both run the same wiring. The only file of the mailer that knows the connection pool.
public struct MailerDependencies: Sendable {
    public let config: MailerConfig
    public let service: MailerService
    private let pool: ConnectionPool

    /// Loads the templates (a broken override stops the start), opens the pool lazily, and wires
    /// the store, the transport the configuration names, and the service.
    public init(config: MailerConfig, logger: Logger) throws {
        let templates = try MailTemplates(
            overrideDirectory: config.templatesDirectory, catalogue: try Catalogue(overrideDirectory: config.localesDirectory))
        let transport: any MailTransport = switch config.delivery {
        case .smtp(let settings): SMTPTransport(settings: settings)
        case .files(let directory): FileTransport(directory: directory, logger: logger)
        }
        self.config = config
        // The mailer's bookkeeping commits without waiting for the WAL flush (claim, fail, skip,
        // release): a crash can lose at most its last moments, which costs a mail delayed or
        // retried, never one lost or sent twice. The commits that must be durable — a token's
        // seal before its link goes out, a mail's completion before the next send — turn
        // synchronous commit back on for their own transaction (`OutboxStore.dispatch`,
        // `complete`). Two connections: sends go one at a time; the second spares a release or
        // a maintenance call a wait.
        pool = ConnectionPool(
            conninfo: config.databaseURL, size: 2, applicationName: "portal-auth-mailer",
            options: "-c synchronous_commit=off", logger: logger)
        let store = OutboxStore(pool: pool, conninfo: config.databaseURL, worker: config.workerID, logger: logger)
        service = MailerService(config: config, store: store, transport: transport, templates: templates, logger: logger)
    }

    /// The pool and the mailer as services of one group: at a graceful shutdown the mailer finishes
    /// its mail (releasing what it had not started), then the pool closes.
    public var services: [any Service] {
        [ClosingService(name: "database pool", close: pool.close), service]
    }

    /// Closes the pool's connections and threads (idempotent; the service group does it too).
    public func shutdown() {
        pool.close()
    }
}
