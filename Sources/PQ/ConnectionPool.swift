import Foundation
import WorkQueues
import Logging

/// The database pool of the gateway and the mailer: `size` libpq connections behind `query`.
///
/// By default a reactor (`ReactorPool`): non-blocking connections, one poller thread, queries
/// sent from the caller's thread, named prepared statements. `prepared: false` sends every query
/// unnamed (`PQsendQueryParams`), which a pooler in transaction mode (PgBouncer before 1.21)
/// needs. `io: .threads` keeps the blocking pool it replaced, for side-by-side benchmarks.
///
/// A connection found broken is dropped and reopened for the next call, so a restarted server or
/// a `pg_terminate_backend` heals without a caller noticing more than the failed call in flight.
/// When the server is down, calls fail fast with a `.connection` error instead of waiting.
public final class ConnectionPool: Sendable {
    /// How the pool talks to libpq.
    public enum IO: String, Sendable, CaseIterable {
        /// Non-blocking connections driven by one poller thread (the default).
        case reactor
        /// One blocking thread per connection (the old pool; kept for benchmarks).
        case threads
    }

    private enum Engine: Sendable {
        case reactor(ReactorPool)
        case threads(ThreadedPool)
    }

    private let engine: Engine
    /// Number of connections.
    public let size: Int
    /// Reports outages once (with libpq's reason and the target) and their end once.
    public let outages: OutageReporter

    /// Creates the pool. Connections open lazily, on first use.
    ///
    /// - Parameters:
    ///   - conninfo: a libpq URI or key/value string (`DATABASE_URL`).
    ///   - size: connections; at least 1.
    ///   - io: the reactor, or the old blocking threads.
    ///   - prepared: named prepared statements (the reactor only); false behind a transaction pooler.
    ///     When the server shows it cannot keep them (a pooler in transaction mode: SQLSTATE 26000
    ///     or 42P05), the call runs again unnamed and the pool stops naming statements, saying so once.
    ///   - preparedSetting: the setting that turns them off (`PORTAL_DB_PREPARED=false`), for that line.
    ///   - options: server settings for every connection's session (libpq `options`, `-c name=value`).
    public init(
        conninfo: String, size: Int, applicationName: String = "portal-auth", io: IO = .reactor, prepared: Bool = true,
        preparedSetting: String? = nil, options: String? = nil, logger: Logger = Logger(label: "portal-auth.pq")
    ) {
        let size = max(1, size)
        let outages = OutageReporter("database", conninfo: conninfo, logger: logger)
        self.size = size
        self.outages = outages
        var reactor: ReactorPool?
        if io == .reactor {
            do {
                reactor = try ReactorPool(
                    conninfo: conninfo, size: size, prepared: prepared, applicationName: applicationName, options: options,
                    outages: outages, logger: logger, preparedSetting: preparedSetting)
            } catch {
                // Only when the kernel refuses an epoll or eventfd descriptor: the blocking pool
                // works without them.
                logger.warning("database reactor unavailable; using blocking threads", metadata: ["reason": "\(error)"])
            }
        }
        if let reactor {
            engine = .reactor(reactor)
        } else {
            engine = .threads(
                ThreadedPool(
                    conninfo: conninfo, size: size, applicationName: applicationName, options: options, outages: outages,
                    logger: logger))
        }
    }

    /// One parameterised statement; values travel separately from the SQL text.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PQEncodable] = []) async throws -> PQRows {
        switch engine {
        case .reactor(let pool): try await pool.query(sql, parameters)
        case .threads(let pool): try await pool.query(sql, parameters)
        }
    }

    /// Runs `body` with a connection in blocking mode, on a thread of its own, and returns its result.
    /// For tests and tools; the services use `query`.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        switch engine {
        case .reactor(let pool): try await pool.withConnection(body)
        case .threads(let pool): try await pool.withConnection(body)
        }
    }

    /// Runs `body` in a transaction on a pool connection: COMMIT on return, ROLLBACK on throw.
    public func withTransaction<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await withConnection { connection in try connection.withTransaction(body) }
    }

    /// Whether calls run as named prepared statements now (false once the server lost one).
    public var usesPreparedStatements: Bool {
        switch engine {
        case .reactor(let pool): pool.usesPrepared
        case .threads: false
        }
    }

    /// Calls waiting for a free connection right now.
    public var queuedJobs: Int {
        switch engine {
        case .reactor(let pool): pool.waitingCalls
        case .threads(let pool): pool.queuedJobs
        }
    }

    /// Stops accepting calls; open connections close once their call completes.
    public func close() {
        switch engine {
        case .reactor(let pool): pool.close()
        case .threads(let pool): pool.close()
        }
    }

    deinit {
        // The reactor's connections hold their pool until they close, so it cannot close itself.
        close()
    }
}

/// The blocking pool the reactor replaced (`PORTAL_DB_IO=threads`), kept for side-by-side
/// benchmarks: a fixed set of libpq connections, each owned by its own thread.
///
/// Callers `await` a closure that runs on a pool thread with a connection, so blocking libpq
/// calls never touch an event loop or the cooperative thread pool. A connection found broken
/// (before a job, by an idle check, or after one, by its status) is dropped and reopened for the
/// next job, so a restarted server or a `pg_terminate_backend` heals without a caller noticing
/// more than the failed call in flight. When the server is down, jobs fail fast with a
/// `.connection` error instead of waiting.
final class ThreadedPool: Sendable {
    /// Work handed to a pool thread: gets a connection, or the error that prevented one.
    private typealias Job = @Sendable (Result<Connection, PQError>) -> Void

    private let state: JobQueue<Job>
    /// Number of connections (and threads).
    let size: Int
    /// Reports outages once (with libpq's reason and the target) and their end once.
    let outages: OutageReporter

    /// Creates the pool and starts its threads. Connections open lazily, on first use.
    ///
    /// - Parameters:
    ///   - conninfo: a libpq URI or key/value string (`DATABASE_URL`).
    ///   - size: connections and threads; at least 1.
    init(conninfo: String, size: Int, applicationName: String, options: String?, outages: OutageReporter, logger: Logger) {
        let size = max(1, size)
        let state = JobQueue<Job>(threads: size)
        self.state = state
        self.size = size
        self.outages = outages
        // The threads are detached: they exit by themselves once the pool is closed and drained.
        for index in 0..<size {
            let thread = Thread {
                Self.work(
                    state: state, conninfo: conninfo, applicationName: applicationName, options: options, outages: outages,
                    logger: logger)
            }
            thread.name = "pq-pool-\(index)"
            thread.start()
        }
    }

    /// Runs `body` with a connection on a pool thread and returns its result.
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            let job: Job = { acquired in
                switch acquired {
                case .failure(let error):
                    continuation.resume(throwing: error)
                case .success(let connection):
                    continuation.resume(with: Result { try body(connection) })
                }
            }
            if !state.enqueue(job) {
                continuation.resume(throwing: PQError(kind: .closed, message: "pool closed"))
            }
        }
    }

    /// Runs `body` in a transaction on a pool connection: COMMIT on return, ROLLBACK on throw.
    func withTransaction<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await withConnection { connection in try connection.withTransaction(body) }
    }

    /// One parameterised statement on a pool connection.
    @discardableResult
    func query(_ sql: String, _ parameters: [any PQEncodable] = []) async throws -> PQRows {
        try await withConnection { connection in try connection.query(sql, parameters) }
    }

    /// Stops accepting work; threads finish the queued jobs, close their connections and exit.
    func close() {
        state.close()
    }

    /// Jobs waiting for a free connection right now.
    var queuedJobs: Int { state.queued }

    deinit {
        state.close()
    }

    private static func work(
        state: JobQueue<Job>, conninfo: String, applicationName: String, options: String?, outages: OutageReporter,
        logger: Logger
    ) {
        var connection: Connection?
        var finishedOne = false
        while let job = state.next(finishedOne: finishedOne) {
            finishedOne = true
            if let current = connection, !current.idleCheck() {
                // Not worth a line by itself: the reconnect below says whether the server is gone.
                logger.debug("database connection lost; reconnecting")
                connection = nil
            }
            if connection == nil {
                do {
                    connection = try Connection(conninfo: conninfo, applicationName: applicationName, options: options)
                    outages.succeeded()
                } catch let error as PQError {
                    outages.failed(error)
                    job(.failure(error))
                    continue
                } catch {
                    let failure = PQError(kind: .connection, message: "\(error)")
                    outages.failed(failure)
                    job(.failure(failure))
                    continue
                }
            }
            job(.success(connection!))
            if let current = connection, !current.isHealthy {
                connection = nil
            }
        }
        connection = nil
    }
}
