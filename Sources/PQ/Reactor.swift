import CLibPQ
import CPoll
import Foundation
import Logging
import WorkQueues

#if canImport(Glibc)
import Glibc
#endif

/// A pool of non-blocking libpq connections driven by the process's poller thread.
///
/// A call encodes its parameters, takes an idle connection and sends the query from the
/// caller's own thread (`PQsendQueryPrepared` or `PQsendQueryParams`, then `PQflush`); the
/// poller thread reads the answer when the socket is readable (`PQconsumeInput`, `PQisBusy`,
/// `PQgetResult`), resumes the caller, and hands the connection straight to the next waiting
/// call. No thread blocks on the network, so a request costs no thread hop to a pool thread and
/// back, and two cores are not shared by a dozen pool threads.
///
/// What to do next is decided by two values: `PoolStateMachine` (idle connections, waiting
/// calls, connects) under the pool's lock, and a `ConnectionStateMachine` per connection under
/// that connection's lock — libpq's rule, one thread uses a `PGconn` at a time, is kept by the
/// same lock: the submitter holds it while sending, the poller while reading. This file only
/// does the I/O they ask for.
///
/// Connections open lazily, at most `size`, on a connect thread: libpq's own blocking connect
/// (`PQconnectdbParams`), because only it applies `connect_timeout` per host, which a failover
/// list (`host=a,b target_session_attrs=read-write`) needs to move past a host that does not
/// answer, and resolves host names off the poller. When none is open and opening one fails,
/// every waiting call fails at once (a `.connection` error) instead of waiting for a server that
/// is down. A connection that breaks — EOF, an admin shutdown, `pg_terminate_backend` — fails
/// only the call in flight on it and is replaced on demand.
final class ReactorPool: @unchecked Sendable {
    let size: Int
    /// Named prepared statements asked for (`prepared:`); see `usesPrepared`.
    let prepared: Bool
    let outages: OutageReporter
    private let logger: Logger
    /// The setting that turns named statements off, named in the log line when the server loses them.
    private let preparedSetting: String?
    private let poller: Result<Poller, PQError>
    private let conninfo: String
    private let applicationName: String
    private let options: String?
    private let connector: JobQueue<@Sendable () -> Void>

    private let lock = NSLock()
    private var machine: PoolStateMachine<ReactorConnection, PendingQuery>
    private var lastCallID: UInt64 = 0

    init(
        conninfo: String, size: Int, prepared: Bool, applicationName: String, options: String?, outages: OutageReporter,
        logger: Logger = Logger(label: "portal-auth.pq"), preparedSetting: String? = nil
    ) {
        machine = PoolStateMachine(size: size)
        self.size = machine.size
        self.prepared = prepared
        self.logger = logger
        self.preparedSetting = preparedSetting
        self.conninfo = conninfo
        self.applicationName = applicationName
        self.options = options
        self.outages = outages
        poller = Poller.shared
        connector = JobQueue<@Sendable () -> Void>(threads: 1)
        connector.startThread(name: "pq-connect")
    }

    /// Calls waiting for a connection right now.
    var waitingCalls: Int { lock.withLock { machine.waitingCalls } }

    /// Whether calls run as named prepared statements: asked for, and the server has not shown
    /// that it cannot keep them.
    var usesPrepared: Bool { prepared && !lock.withLock { machine.preparedLost } }

    /// The server lost a named statement or had its name taken (`error`): named statements are
    /// off for this pool from now on (calls in flight retry unnamed), said once in the log —
    /// with the setting that makes it the configuration instead of a surprise.
    func preparedStatementsLost(_ error: PQError) {
        guard lock.withLock({ machine.statementsLost() }) else { return }
        var metadata: Logger.Metadata = ["sqlstate": "\(error.sqlState ?? "-")"]
        if let preparedSetting { metadata["silence"] = "\(preparedSetting)" }
        let message = "the database lost or refused a named prepared statement, as a pooler in transaction mode "
            + "(PgBouncer before 1.21) does; the call ran again unprepared, and every call does from now on"
            + (preparedSetting.map { ". Set \($0) to start that way and silence this" } ?? "")
        logger.warning("\(message)", metadata: metadata)
    }

    /// One statement: sent from this thread, answered by the poller. A caller cancelled while
    /// its call still waits for a connection gets `CancellationError` and nothing is sent; once
    /// sent, the call runs to its end.
    func query(_ sql: String, _ parameters: [any PQEncodable]) async throws -> PQRows {
        let encoded = try EncodedParameters(parameters)
        let name = usesPrepared ? PreparedName.of(sql) : nil
        let id = lock.withLock {
            lastCallID += 1
            return lastCallID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                submit(PendingQuery(id: id, sql: sql, name: name, parameters: encoded, continuation: continuation))
            }
        } onCancel: {
            cancel(id: id)
        }
    }

    /// Hands `call` to an idle connection, or queues it (opening a connection if there is room).
    func submit(_ call: PendingQuery) {
        while true {
            switch lock.withLock({ machine.submit(call, id: call.id) }) {
            case .refuse:
                call.continuation.resume(throwing: PQError(kind: .closed, message: "pool closed"))
                return
            case .queued(let connect):
                // Once queued, the call belongs to the pool: `close()` or a failed connect fails it.
                if connect { openConnection() }
                return
            case .start(let connection):
                if connection.start(call) { return }
                // It broke while idle (the poller had not seen it yet): drop it, try another.
                lost(connection)
            }
        }
    }

    /// A connection finished its call: give it the next waiting one, or put it back.
    func release(_ connection: ReactorConnection) {
        let (next, giveUp) = lock.withLock { machine.release(connection) }
        if giveUp {
            lost(connection)
        } else if let next, !connection.start(next) {
            lost(connection)
            submit(next)
        }
    }

    /// A connection broke or is given up: forget it, and open another if calls are waiting.
    func lost(_ connection: ReactorConnection) {
        // Several paths may notice the same break (the poller, a submitter); count it once.
        guard connection.forget() else { return }
        if lock.withLock({ machine.lost(connection) }) { openConnection() }
    }

    /// Stops accepting calls; fails the waiting ones and closes idle connections. Busy ones
    /// close when their call completes.
    func close() {
        let (failed, idle) = lock.withLock { machine.close() }
        for call in failed { call.continuation.resume(throwing: PQError(kind: .closed, message: "pool closed")) }
        for connection in idle { lost(connection) }
        connector.close()
    }

    private func cancel(id: UInt64) {
        guard let call = lock.withLock({ machine.cancel(id: id) }) else { return }
        call.continuation.resume(throwing: CancellationError())
    }

    private func openConnection() {
        let queued = connector.enqueue { [self] in
            do {
                let poller = try poller.get()
                let connection = try Connection(conninfo: conninfo, applicationName: applicationName, options: options)
                adopt(connection, poller: poller)
            } catch let error as PQError {
                outages.failed(error)
                connectFailed(error)
            } catch {
                let failure = PQError(kind: .connection, message: "\(error)")
                outages.failed(failure)
                connectFailed(failure)
            }
        }
        if !queued { connectFailed(PQError(kind: .closed, message: "pool closed")) }
    }

    /// A new connection: counted open before the poller can see it (so a break it reports is
    /// counted against it), then given the next waiting call.
    private func adopt(_ connection: Connection, poller: Poller) {
        lock.withLock { machine.connected() }
        do {
            let reactorConnection = try ReactorConnection(connection, pool: self, poller: poller)
            outages.succeeded()
            release(reactorConnection)
        } catch {
            lock.withLock { machine.connectUndone() }
            connectFailed(error)
        }
    }

    /// Opening a connection failed: with none open, every waiting call fails now.
    private func connectFailed(_ error: PQError) {
        let failed = lock.withLock { machine.connectFailed() }
        for call in failed { call.continuation.resume(throwing: error) }
    }

    deinit {
        close()
    }
}

/// A query waiting for, or on, a connection.
final class PendingQuery: StatementCall {
    /// Identifies the call for cancellation while it waits.
    let id: UInt64
    let sql: String
    let name: PreparedName?
    let parameters: EncodedParameters
    let continuation: CheckedContinuation<PQRows, Error>

    init(
        id: UInt64, sql: String, name: PreparedName?, parameters: EncodedParameters,
        continuation: CheckedContinuation<PQRows, Error>
    ) {
        self.id = id
        self.sql = sql
        self.name = name
        self.parameters = parameters
        self.continuation = continuation
    }

    var preparedName: PreparedName? { name }

    var unnamed: PendingQuery {
        PendingQuery(id: id, sql: sql, name: nil, parameters: parameters, continuation: continuation)
    }
}

/// One non-blocking connection of a `ReactorPool`: the libpq calls its `ConnectionStateMachine`
/// asks for, under the lock that keeps one thread on the `PGconn` at a time.
final class ReactorConnection: PollTarget, @unchecked Sendable {
    private typealias Machine = ConnectionStateMachine<PendingQuery>

    let connection: Connection
    /// Strong: the poller hands a finished connection back to its pool after resuming the caller,
    /// who may by then have dropped the last reference to the pool. The cycle ends when the
    /// connection is forgotten (closed).
    private let pool: ReactorPool
    private let poller: Poller
    private let id: UInt64
    private let fd: Int32
    private let lock = NSLock()
    private var machine = Machine()
    private var forgotten = false

    init(_ connection: Connection, pool: ReactorPool, poller: Poller) throws(PQError) {
        guard PQsetnonblocking(connection.handle, 1) == 0 else {
            throw PQError(kind: .connection, message: "could not switch the connection to non-blocking mode")
        }
        self.connection = connection
        self.pool = pool
        self.poller = poller
        id = poller.makeID()
        fd = PQsocket(connection.handle)
        guard poller.add(self, id: id, fd: fd, writable: false) else {
            throw PQError(kind: .connection, message: "could not watch the connection's socket")
        }
    }

    private var handle: OpaquePointer { connection.handle }

    /// Starts `call` on this idle connection, from the caller's thread. False when the
    /// connection turned out to be broken (nothing was sent; the caller retries elsewhere).
    func start(_ call: PendingQuery) -> Bool {
        lock.lock()
        guard machine.isIdle, idleCheck() else {
            lock.unlock()
            return false
        }
        perform(machine.start(call, namedStatements: pool.usesPrepared))
        return true
    }

    /// On the poller thread: the socket is readable, writable or closed.
    func ready(events: UInt32) {
        lock.lock()
        if machine.isClosed {
            lock.unlock()
            return
        }
        if machine.isIdle {
            // Nothing was asked: a notice, or an admin shutdown, a terminated backend, EOF.
            perform(machine.idleInput(connectionOK: PQconsumeInput(handle) == 1 && PQstatus(handle) == CONNECTION_OK))
            return
        }
        if events & EPOLLOUT.rawValue != 0, !flush() {
            perform(machine.connectionLost(brokenError()))
            return
        }
        // What libpq read before an EOF is still parsed: a complete answer followed by the
        // server's goodbye is an answer, and a FATAL it sent says why the connection ended.
        let consumed = PQconsumeInput(handle) == 1
        // Reading can also complete a pending write; stop watching for writability then.
        if consumed, machine.watchingWrites, !flush() {
            perform(machine.connectionLost(brokenError()))
            return
        }
        while PQisBusy(handle) == 0 {
            guard let result = PQgetResult(handle) else {
                let transaction = PQtransactionStatus(handle)
                perform(
                    machine.resultsDone(
                        connectionOK: PQstatus(handle) == CONNECTION_OK,
                        inTransaction: transaction == PQTRANS_INTRANS || transaction == PQTRANS_INERROR))
                return
            }
            machine.received(outcome(of: result))
        }
        if !consumed || PQstatus(handle) != CONNECTION_OK {
            perform(machine.connectionLost(brokenError()))
            return
        }
        lock.unlock()
    }

    /// Does what the machine asked. Called with the lock held; returns with it released, and
    /// resumes callers and talks to the pool only after releasing it.
    private func perform(_ first: Machine.Action) {
        var action = first
        while true {
            switch action {
            case .prepare(let call, let name):
                let sent = call.parameters.withArrays { _, types, _, _ in
                    PQsendPrepare(handle, name.name, call.sql, call.parameters.count, types) == 1
                }
                guard sent, flush() else {
                    action = machine.connectionLost(brokenError())
                    continue
                }
                lock.unlock()
            case .execute(let call):
                guard send(call), flush() else {
                    action = machine.connectionLost(brokenError())
                    continue
                }
                lock.unlock()
            case .wait:
                lock.unlock()
            case .complete(let call, let result, let reuse):
                lock.unlock()
                call.continuation.resume(with: result.mapError { $0 as Error })
                if reuse { pool.release(self) } else { pool.lost(self) }
            case .runAgainUnnamed(let call, let error):
                lock.unlock()
                pool.preparedStatementsLost(error)
                pool.lost(self)
                pool.submit(call.unnamed)
            case .retire:
                lock.unlock()
                pool.lost(self)
            }
            return
        }
    }

    private func send(_ call: PendingQuery) -> Bool {
        call.parameters.withArrays { values, types, lengths, formats in
            if let name = call.name {
                PQsendQueryPrepared(handle, name.name, call.parameters.count, values, lengths, formats, 0) == 1
            } else {
                PQsendQueryParams(handle, call.sql, call.parameters.count, types, values, lengths, formats, 0) == 1
            }
        }
    }

    /// Sends what libpq has buffered; watches for writability while some is left. False when
    /// the connection broke.
    private func flush() -> Bool {
        let status = PQflush(handle)
        guard status == 0 || (status == 1 && PQsocket(handle) == fd) else { return false }
        if let writable = machine.flushed(moreToSend: status == 1) {
            poller.modify(id: id, fd: fd, writable: writable)
        }
        return true
    }

    /// An idle connection must have nothing to read: anything there is a shutdown notice or EOF.
    private func idleCheck() -> Bool {
        guard PQstatus(handle) == CONNECTION_OK else { return false }
        var poll = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard Glibc.poll(&poll, 1, 0) > 0 else { return true }
        // A notice is consumed and the connection stays; EOF fails `PQconsumeInput`.
        return PQconsumeInput(handle) == 1 && PQstatus(handle) == CONNECTION_OK
    }

    /// One result of the command, cleared here: rows, or the error it carries.
    private func outcome(of result: OpaquePointer) -> Result<PQRows, PQError> {
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return .success(PQRows(result: result))
        default:
            return .failure(PQError.from(result: result, connection: handle))
        }
    }

    private func brokenError() -> PQError {
        PQError(kind: .connection, message: PQError.connectionMessage(handle) ?? "connection lost")
    }

    /// Stops watching the socket, once; `PQfinish` follows when the last reference goes. False
    /// when the connection was already forgotten.
    func forget() -> Bool {
        lock.withLock {
            guard !forgotten else { return false }
            forgotten = true
            machine.close()
            // libpq closes the socket itself when it sees the connection break; the kernel then
            // dropped its registration, and the number may already belong to a new connection
            // whose registration a DEL would remove.
            poller.remove(id: id, fd: PQsocket(handle) == fd ? fd : nil)
            return true
        }
    }
}
