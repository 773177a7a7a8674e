import CLibPQ
import CPoll
import Foundation
import WorkQueues
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// A pool of non-blocking libpq connections driven by one poller thread.
///
/// A call encodes its parameters, takes an idle connection and sends the query from the
/// caller's own thread (`PQsendQueryPrepared` or `PQsendQueryParams`, then `PQflush`); the
/// poller thread reads the answer when the socket is readable (`PQconsumeInput`, `PQisBusy`,
/// `PQgetResult`), resumes the caller, and hands the connection straight to the next waiting
/// call. No thread blocks on the network, so a request costs no thread hop to a pool thread and
/// back, and two cores are not shared by a dozen pool threads.
///
/// libpq's rule — one thread uses a `PGconn` at a time — is kept with a lock per connection:
/// the submitter holds it while sending, the poller while reading.
///
/// Connections open lazily on a connector thread (`PQconnectdbParams` blocks), at most `size`.
/// When none is open and opening one fails, every waiting call fails at once (a `.connection`
/// error) instead of waiting for a server that is down. A connection that breaks — EOF, an
/// admin shutdown, `pg_terminate_backend` — fails only the call in flight on it and is replaced
/// on demand.
final class ReactorPool: @unchecked Sendable {
    /// A call waiting for a connection.
    enum Work: Sendable {
        case query(PendingQuery)
        /// The blocking path (`withConnection`): the connection is lent out of the reactor.
        case checkout(CheckedContinuation<ReactorConnection, Error>)

        func fail(_ error: PQError) {
            switch self {
            case .query(let query): query.continuation.resume(throwing: error)
            case .checkout(let continuation): continuation.resume(throwing: error)
            }
        }
    }

    let size: Int
    /// Named prepared statements asked for (`prepared:`); see `usesPrepared`.
    let prepared: Bool
    let outages: OutageReporter
    private let logger: Logger
    /// The setting that turns named statements off, named in the log line when the server loses them.
    private let preparedSetting: String?
    let poller: Poller
    private let conninfo: String
    private let applicationName: String
    private let options: String?
    private let connector: JobQueue<@Sendable () -> Void>

    private let lock = NSLock()
    private var idle: [ReactorConnection] = []
    private var waiting = Deque<Work>()
    private var live = 0
    private var connecting = 0
    private var closed = false
    /// Set once the server lost a statement we prepared, or had its name taken (26000, 42P05):
    /// what a pooler in transaction mode does, which hands each call to any server connection.
    private var preparedLost = false

    init(
        conninfo: String, size: Int, prepared: Bool, applicationName: String, options: String?, outages: OutageReporter,
        logger: Logger = Logger(label: "portal-auth.pq"), preparedSetting: String? = nil
    ) throws(PQError) {
        self.size = max(1, size)
        self.prepared = prepared
        self.logger = logger
        self.preparedSetting = preparedSetting
        self.conninfo = conninfo
        self.applicationName = applicationName
        self.options = options
        self.outages = outages
        poller = try Poller(name: "pq-poller")
        connector = JobQueue<@Sendable () -> Void>(threads: 1)
        connector.startThread(name: "pq-connect")
    }

    /// Calls waiting for a connection right now.
    var waitingCalls: Int { lock.withLock { waiting.count } }

    /// Whether calls run as named prepared statements: asked for, and the server has not shown
    /// that it cannot keep them.
    var usesPrepared: Bool { prepared && !lock.withLock { preparedLost } }

    /// The server lost a named statement or had its name taken (`error`): named statements are
    /// off for this pool from now on (calls in flight retry unnamed), said once in the log —
    /// with the setting that makes it the configuration instead of a surprise.
    func preparedStatementsLost(_ error: PQError) {
        let first = lock.withLock {
            defer { preparedLost = true }
            return !preparedLost
        }
        guard first else { return }
        var metadata: Logger.Metadata = ["sqlstate": "\(error.sqlState ?? "-")"]
        if let preparedSetting { metadata["silence"] = "\(preparedSetting)" }
        let message = "the database lost or refused a named prepared statement, as a pooler in transaction mode "
            + "(PgBouncer before 1.21) does; the call ran again unprepared, and every call does from now on"
            + (preparedSetting.map { ". Set \($0) to start that way and silence this" } ?? "")
        logger.warning("\(message)", metadata: metadata)
    }

    /// One statement: sent from this thread, answered by the poller.
    func query(_ sql: String, _ parameters: [any PQEncodable]) async throws -> PQRows {
        let encoded = try EncodedParameters(parameters)
        let name = usesPrepared ? PreparedName.of(sql) : nil
        return try await withCheckedThrowingContinuation { continuation in
            submit(.query(PendingQuery(sql: sql, name: name, parameters: encoded, continuation: continuation)))
        }
    }

    /// Lends a connection, in blocking mode and off the poller, to `body` on a thread of its own.
    /// For tests and tools only: the gateway and the mailer use `query`.
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let lent = try await withCheckedThrowingContinuation { continuation in
            submit(.checkout(continuation))
        }
        defer { giveBack(lent) }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            let thread = Thread { continuation.resume(with: Result { try body(lent.connection) }) }
            thread.name = "pq-lent"
            thread.start()
        }
    }

    /// Hands `work` to an idle connection, or queues it (opening a connection if there is room).
    func submit(_ work: Work) {
        while true {
            var connect = false
            var refused = false
            let connection: ReactorConnection? = lock.withLock {
                if closed {
                    refused = true
                    return nil
                }
                if let connection = idle.popLast() { return connection }
                waiting.append(work)
                if live + connecting < size {
                    connecting += 1
                    connect = true
                }
                return nil
            }
            if let connection {
                if connection.start(work) { return }
                // It broke while idle (the poller had not seen it yet): drop it, try another.
                lost(connection)
                continue
            }
            // Once queued, the call belongs to the pool: `close()` fails it, never this path.
            if refused { work.fail(PQError(kind: .closed, message: "pool closed")) }
            if connect { openConnection() }
            return
        }
    }

    /// A connection finished its call: give it the next waiting one, or put it back.
    func release(_ connection: ReactorConnection) {
        var isClosed = false
        let next: Work? = lock.withLock {
            if closed {
                isClosed = true
                return nil
            }
            if let work = waiting.popFirst() { return work }
            idle.append(connection)
            return nil
        }
        if isClosed {
            lost(connection)
        } else if let next, !connection.start(next) {
            lost(connection)
            submit(next)
        }
    }

    /// A connection broke or is being closed: forget it, and open another if calls are waiting.
    func lost(_ connection: ReactorConnection) {
        // Several paths may notice the same break (the poller, a submitter); count it once.
        guard connection.forget(poller: poller) else { return }
        var connect = false
        let stop: Bool = lock.withLock {
            live -= 1
            idle.removeAll { $0 === connection }
            if !closed, !waiting.isEmpty, live + connecting < size {
                connecting += 1
                connect = true
            }
            return closed && live == 0 && connecting == 0
        }
        if connect { openConnection() }
        if stop { poller.stop() }
    }

    /// Stops accepting calls; fails the waiting ones and closes idle connections. Busy ones
    /// close when their call completes.
    func close() {
        let (failed, idled, stop): ([Work], [ReactorConnection], Bool) = lock.withLock {
            if closed { return ([], [], false) }
            closed = true
            var failed: [Work] = []
            while let work = waiting.popFirst() { failed.append(work) }
            let idled = idle
            idle.removeAll()
            return (failed, idled, live == 0 && connecting == 0)
        }
        for work in failed { work.fail(PQError(kind: .closed, message: "pool closed")) }
        for connection in idled { lost(connection) }
        if stop { poller.stop() }
        connector.close()
    }

    private func giveBack(_ connection: ReactorConnection) {
        if connection.returnToReactor(poller: poller) {
            release(connection)
        } else {
            lost(connection)
        }
    }

    private func openConnection() {
        let queued = connector.enqueue { [self] in
            do {
                try adopt(try Connection(conninfo: conninfo, applicationName: applicationName, options: options))
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

    /// A new connection: counted live before the poller can see it (so a break it reports is
    /// counted against it), then given the next waiting call.
    private func adopt(_ connection: Connection) throws(PQError) {
        lock.withLock {
            connecting -= 1
            live += 1
        }
        let reactorConnection: ReactorConnection
        do {
            reactorConnection = try ReactorConnection(connection, pool: self)
        } catch {
            lock.withLock {
                live -= 1
                connecting += 1
            }
            throw error
        }
        outages.succeeded()
        release(reactorConnection)
    }

    /// Opening a connection failed. With none open, the server is down for every waiting call:
    /// fail them now (the next call tries again) rather than let them wait.
    private func connectFailed(_ error: PQError) {
        let (failed, stop): ([Work], Bool) = lock.withLock {
            connecting -= 1
            var failed: [Work] = []
            if live == 0 {
                while let work = waiting.popFirst() { failed.append(work) }
            }
            return (failed, closed && live == 0 && connecting == 0)
        }
        for work in failed { work.fail(error) }
        if stop { poller.stop() }
    }

    deinit {
        close()
    }
}

/// A query waiting for, or on, a connection.
final class PendingQuery: Sendable {
    let sql: String
    let name: PreparedName?
    let parameters: EncodedParameters
    let continuation: CheckedContinuation<PQRows, Error>

    init(sql: String, name: PreparedName?, parameters: EncodedParameters, continuation: CheckedContinuation<PQRows, Error>) {
        self.sql = sql
        self.name = name
        self.parameters = parameters
        self.continuation = continuation
    }

    /// The same call, sent unnamed (`PQsendQueryParams`).
    var unnamed: PendingQuery { PendingQuery(sql: sql, name: nil, parameters: parameters, continuation: continuation) }

    /// Whether `error` means the server does not have this call's named statement — lost (26000)
    /// or its name already taken on that session (42P05), what a pooler that moved us does.
    /// Nothing of the call ran, so it may run again unnamed.
    func lostItsStatement(_ error: PQError) -> Bool {
        name != nil && (error.sqlState == "26000" || error.sqlState == "42P05")
    }
}

/// One non-blocking connection of a `ReactorPool` and the call on it.
final class ReactorConnection: PollTarget, @unchecked Sendable {
    private enum State {
        case idle
        /// `PQsendPrepare` is out; the query follows once it succeeded.
        case preparing(PendingQuery)
        case running(PendingQuery)
        /// Lent to the blocking path; the poller ignores it.
        case lent
        case closed
    }

    let connection: Connection
    /// Strong: the poller hands a finished connection back to its pool after resuming the caller,
    /// who may by then have dropped the last reference to the pool. The cycle ends when the
    /// connection is forgotten (closed).
    private let pool: ReactorPool
    private let id: UInt64
    private let fd: Int32
    private let lock = NSLock()
    private var state = State.idle
    /// Statements prepared on this connection (by `PreparedName.id`); empty after a reconnect,
    /// since the connection is new.
    private var preparedIDs = Set<Int>()
    private var watchingWrites = false
    private var outcome: Result<PQRows, PQError>?
    /// Set when the server no longer knows a statement we prepared (a `DISCARD ALL` behind our
    /// back): the connection is replaced after this call rather than fail every later one.
    private var retire = false
    private var forgotten = false

    init(_ connection: Connection, pool: ReactorPool) throws(PQError) {
        guard PQsetnonblocking(connection.handle, 1) == 0 else {
            throw PQError(kind: .connection, message: "could not switch the connection to non-blocking mode")
        }
        self.connection = connection
        self.pool = pool
        id = pool.poller.makeID()
        fd = PQsocket(connection.handle)
        guard pool.poller.add(self, id: id, fd: fd, writable: false) else {
            throw PQError(kind: .connection, message: "could not watch the connection's socket")
        }
    }

    private var handle: OpaquePointer { connection.handle }

    /// Starts `work` on this idle connection, from the caller's thread. False when the
    /// connection turned out to be broken (nothing was sent; the caller retries elsewhere).
    func start(_ work: ReactorPool.Work) -> Bool {
        lock.lock()
        guard case .idle = state, idleCheck() else {
            lock.unlock()
            return false
        }
        switch work {
        case .checkout(let continuation):
            state = .lent
            pool.poller.remove(id: id, fd: fd)  // idle and checked: libpq still owns this socket
            watchingWrites = false
            PQsetnonblocking(handle, 0)
            lock.unlock()
            continuation.resume(returning: self)
            return true
        case .query(let named):
            // Named statements were turned off since this call was made: it goes unnamed.
            let query = named.name != nil && !pool.usesPrepared ? named.unnamed : named
            outcome = nil
            let sent: Bool
            if let name = query.name, !preparedIDs.contains(name.id) {
                state = .preparing(query)
                sent = query.parameters.withArrays { _, types, _, _ in
                    PQsendPrepare(handle, name.name, query.sql, query.parameters.count, types) == 1
                }
            } else {
                state = .running(query)
                sent = send(query)
            }
            guard sent, flush() else {
                // The server is gone; this call alone fails, and the connection is replaced.
                state = .closed
                let error = brokenError()
                lock.unlock()
                query.continuation.resume(throwing: error)
                pool.lost(self)
                return true
            }
            lock.unlock()
            return true
        }
    }

    private func send(_ query: PendingQuery) -> Bool {
        query.parameters.withArrays { values, types, lengths, formats in
            if let name = query.name {
                PQsendQueryPrepared(handle, name.name, query.parameters.count, values, lengths, formats, 0) == 1
            } else {
                PQsendQueryParams(handle, query.sql, query.parameters.count, types, values, lengths, formats, 0) == 1
            }
        }
    }

    /// Sends what libpq has buffered; watches for writability while some is left. False when
    /// the connection broke.
    private func flush() -> Bool {
        switch PQflush(handle) {
        case 0:
            if watchingWrites {
                watchingWrites = false
                pool.poller.modify(id: id, fd: fd, writable: false)
            }
            return true
        case 1:
            guard PQsocket(handle) == fd else { return false }
            if !watchingWrites {
                watchingWrites = true
                pool.poller.modify(id: id, fd: fd, writable: true)
            }
            return true
        default:
            return false
        }
    }

    /// An idle connection must have nothing to read: anything there is a shutdown notice or EOF.
    private func idleCheck() -> Bool {
        guard PQstatus(handle) == CONNECTION_OK else { return false }
        var poll = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard Glibc.poll(&poll, 1, 0) > 0 else { return true }
        // A notice is consumed and the connection stays; EOF fails `PQconsumeInput`.
        return PQconsumeInput(handle) == 1 && PQstatus(handle) == CONNECTION_OK
    }

    /// On the poller thread: the socket is readable, writable or closed.
    func ready(events: UInt32) {
        lock.lock()
        let query: PendingQuery
        switch state {
        case .lent, .closed:
            lock.unlock()
            return
        case .idle:
            // Nothing was asked: an admin shutdown, a terminated backend, or EOF.
            if PQconsumeInput(handle) == 1, PQstatus(handle) == CONNECTION_OK {
                lock.unlock()
                return
            }
            state = .closed
            lock.unlock()
            pool.lost(self)
            return
        case .preparing(let current), .running(let current):
            query = current
        }
        if events & EPOLLOUT.rawValue != 0, !flush() {
            fail(query)
            return
        }
        // What libpq read before an EOF is still parsed: a complete answer followed by the
        // server's goodbye is an answer, and a FATAL it sent says why the connection ended.
        let consumed = PQconsumeInput(handle) == 1
        // Reading can also complete a pending write; stop watching for writability then, or the
        // level-triggered EPOLLOUT would wake the poller in a loop.
        if consumed, watchingWrites, !flush() {
            fail(query)
            return
        }
        while PQisBusy(handle) == 0 {
            guard let result = PQgetResult(handle) else {
                finished(query)
                return
            }
            record(result)
        }
        if !consumed || PQstatus(handle) != CONNECTION_OK {
            fail(query)
            return
        }
        lock.unlock()
    }

    /// Keeps the first error, or the rows of a successful result.
    private func record(_ result: OpaquePointer) {
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            if outcome == nil { outcome = .success(PQRows(result: result)) }
        default:
            let error = PQError.from(result: result, connection: handle)
            // 26000: a statement we prepared is gone (a `DISCARD ALL`, a pooler that moved us).
            // 42P05: the name is taken on this session already (it can only be a pooler's doing).
            if error.sqlState == "26000" || error.sqlState == "42P05" { retire = true }
            if case .failure = outcome {} else { outcome = .failure(error) }
        }
    }

    /// Called with the lock held, after `PQgetResult` returned NULL: the command is complete.
    private func finished(_ query: PendingQuery) {
        if case .failure(let error) = outcome, query.lostItsStatement(error) {
            // The Prepare or the Execute met a session that is not the one we prepared on (a
            // pooler in transaction mode) or a `DISCARD ALL`: nothing ran. This connection's idea
            // of what is prepared is wrong, so it goes; the call runs again, unnamed, on another.
            state = .closed
            outcome = nil
            lock.unlock()
            pool.preparedStatementsLost(error)
            pool.lost(self)
            pool.submit(.query(query.unnamed))
            return
        }
        if case .preparing = state, let name = query.name {
            if case .failure(let error) = outcome {
                state = .idle
                outcome = nil
                lock.unlock()
                query.continuation.resume(throwing: error)
                pool.release(self)
                return
            }
            preparedIDs.insert(name.id)
            outcome = nil
            state = .running(query)
            guard send(query), flush() else {
                fail(query)
                return
            }
            lock.unlock()
            return
        }
        let result = outcome ?? .failure(PQError(kind: .query, message: "no result"))
        outcome = nil
        let replace = retire || PQstatus(handle) != CONNECTION_OK
        state = replace ? .closed : .idle
        lock.unlock()
        query.continuation.resume(with: result.mapError { $0 as Error })
        if replace { pool.lost(self) } else { pool.release(self) }
    }

    /// Called with the lock held: the connection broke during `query`.
    private func fail(_ query: PendingQuery) {
        var error = brokenError()
        // The server's own reason (57P01 on an admin shutdown) when it said one before closing.
        if case .failure(let said) = outcome, said.sqlState != nil { error = said }
        state = .closed
        outcome = nil
        lock.unlock()
        query.continuation.resume(throwing: error)
        pool.lost(self)
    }

    private func brokenError() -> PQError {
        PQError(kind: .connection, message: PQError.connectionMessage(handle) ?? "connection lost")
    }

    /// Back from the blocking path: non-blocking again and watched, unless it broke meanwhile.
    func returnToReactor(poller: Poller) -> Bool {
        lock.withLock {
            // Only a connection outside any transaction comes back: one that a body left in an
            // open or failed transaction would run every later call inside it.
            guard case .lent = state, PQstatus(handle) == CONNECTION_OK, PQtransactionStatus(handle) == PQTRANS_IDLE,
                PQsetnonblocking(handle, 1) == 0, poller.add(self, id: id, fd: fd, writable: false)
            else {
                state = .closed
                return false
            }
            state = .idle
            return true
        }
    }

    /// Stops watching the socket, once; `PQfinish` follows when the last reference goes. False
    /// when the connection was already forgotten.
    func forget(poller: Poller) -> Bool {
        lock.withLock {
            guard !forgotten else { return false }
            forgotten = true
            state = .closed
            // libpq closes the socket itself when it sees the connection break; the kernel then
            // dropped its registration, and the number may already belong to a new connection
            // whose registration a DEL would remove.
            poller.remove(id: id, fd: PQsocket(handle) == fd ? fd : nil)
            return true
        }
    }
}

/// A FIFO with O(1) push and pop (calls waiting for a connection).
struct Deque<Element> {
    private var items: [Element] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }
    var count: Int { items.count - head }

    mutating func append(_ item: Element) { items.append(item) }

    mutating func popFirst() -> Element? {
        guard head < items.count else { return nil }
        let item = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 256 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return item
    }
}
