import Foundation
import Logging

/// The database pool of the gateway and the mailer: `size` libpq connections behind `query`.
///
/// A reactor (`ReactorPool`): non-blocking connections, waited on by the process's one poller
/// thread, queries sent from the caller's thread, named prepared statements. `prepared: false`
/// sends every query unnamed (`PQsendQueryParams`), which a pooler in transaction mode
/// (PgBouncer before 1.21) needs. Tools that need a session of their own (migrations, the admin
/// commands) open a blocking `Connection` instead.
///
/// A connection found broken is dropped and reopened for the next call, so a restarted server or
/// a `pg_terminate_backend` heals without a caller noticing more than the failed call in flight.
/// When the server is down, calls fail fast with a `.connection` error instead of waiting.
public final class ConnectionPool: Sendable {
    private let reactor: ReactorPool
    /// Number of connections.
    public let size: Int
    /// Reports outages once (with libpq's reason and the target) and their end once.
    public let outages: OutageReporter

    /// Creates the pool. Connections open lazily, on first use.
    ///
    /// - Parameters:
    ///   - conninfo: a libpq URI or key/value string (`DATABASE_URL`).
    ///   - size: connections; at least 1.
    ///   - prepared: named prepared statements; false behind a transaction pooler. When the server
    ///     shows it cannot keep them (a pooler in transaction mode: SQLSTATE 26000 or 42P05), the
    ///     call runs again unnamed and the pool stops naming statements, saying so once.
    ///   - preparedSetting: the setting that turns them off (`PORTAL_DB_PREPARED=false`), for that line.
    ///   - options: server settings for every connection's session (libpq `options`, `-c name=value`).
    public init(
        conninfo: String, size: Int, applicationName: String = "portal-auth", prepared: Bool = true,
        preparedSetting: String? = nil, options: String? = nil, logger: Logger = Logger(label: "portal-auth.pq")
    ) {
        let outages = OutageReporter("database", conninfo: conninfo, logger: logger)
        reactor = ReactorPool(
            conninfo: conninfo, size: size, prepared: prepared, applicationName: applicationName, options: options,
            outages: outages, logger: logger, preparedSetting: preparedSetting)
        self.size = reactor.size
        self.outages = outages
    }

    /// One parameterised statement; values travel separately from the SQL text. A statement that
    /// leaves a transaction open (`begin`) costs its connection: a pooled session never carries
    /// a transaction into another caller's call.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PQEncodable] = []) async throws -> PQRows {
        try await reactor.query(sql, parameters)
    }

    /// Whether calls run as named prepared statements now (false once the server lost one).
    public var usesPreparedStatements: Bool { reactor.usesPrepared }

    /// Calls waiting for a free connection right now.
    public var queuedJobs: Int { reactor.waitingCalls }

    /// Stops accepting calls; open connections close once their call completes.
    public func close() {
        reactor.close()
    }

    deinit {
        // The reactor's connections hold their pool until they close, so it cannot close itself.
        close()
    }
}
