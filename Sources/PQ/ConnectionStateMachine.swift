/// A call as the connection's state machine sees it: a statement, with the name it runs under
/// (nil: unnamed). The reactor's calls carry their parameters and the caller's continuation too;
/// the machine needs neither, so its tests use plain values.
protocol StatementCall: Sendable {
    /// The name to prepare and execute the statement under; nil for an unnamed call.
    var preparedName: PreparedName? { get }
    /// The same call, sent unnamed (`PQsendQueryParams`).
    var unnamed: Self { get }
}

/// What happens on one libpq connection of the reactor, as a value: events in (a call to start,
/// a result read, the connection's end), actions out (send the Prepare, send the call, answer the
/// caller, run the call again elsewhere, give the connection up). No socket, no lock, no libpq
/// call: `ReactorConnection` does the I/O and holds the lock around it; this decides — which is
/// how postgres-nio's `ConnectionStateMachine` is built, and why its tests need no server.
///
/// One call at a time: `idle` → (`preparing` →) `running` → `idle`, or `closed` for good when
/// the connection broke or must not be reused.
struct ConnectionStateMachine<Call: StatementCall> {
    enum State {
        case idle
        /// `PQsendPrepare` is out; the call is executed once the Prepare succeeded.
        case preparing(Call)
        case running(Call)
        case closed
    }

    enum Action {
        /// Send the Prepare of the call's statement under `name` (`PQsendPrepare`).
        case prepare(Call, PreparedName)
        /// Send the call: by name when it has one (`PQsendQueryPrepared`), unnamed otherwise.
        case execute(Call)
        /// Nothing to do until the socket has more.
        case wait
        /// Answer the caller. `reuse`: the connection serves the next call; otherwise it is given up.
        case complete(Call, Result<PQRows, PQError>, reuse: Bool)
        /// The server does not have the call's named statement (26000) or had its name taken
        /// (42P05): nothing of the call ran. Give this connection up (its idea of what is prepared
        /// is wrong), turn named statements off for the pool (`error` says why), and run the call
        /// again, unnamed, on another connection.
        case runAgainUnnamed(Call, PQError)
        /// The connection is gone and had no call on it: give it up.
        case retire
    }

    private(set) var state = State.idle
    /// Statements prepared on this connection (by `PreparedName.id`): a new connection has none.
    private var prepared = Set<Int>()
    /// The first error of the command, or the rows of its first successful result.
    private var outcome: Result<PQRows, PQError>?
    /// The server no longer knows a statement we prepared, or had its name taken (a `DISCARD
    /// ALL` behind our back, a pooler): replace the connection after this call rather than fail
    /// every later one.
    private var mustRetire = false
    /// Whether the socket is watched for writability (libpq has output it could not send yet).
    private(set) var watchingWrites = false

    var isIdle: Bool {
        if case .idle = state { return true }
        return false
    }

    var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    /// The call in flight, if any.
    var currentCall: Call? {
        switch state {
        case .preparing(let call), .running(let call): call
        case .idle, .closed: nil
        }
    }

    /// Whether the statement named `name` is prepared on this connection.
    func hasPrepared(_ name: PreparedName) -> Bool { prepared.contains(name.id) }

    /// Starts `call` on the idle connection. `namedStatements` is the pool's current word: when
    /// they were turned off after the call was made, it goes unnamed.
    mutating func start(_ call: Call, namedStatements: Bool) -> Action {
        guard case .idle = state else { preconditionFailure("a call started on a connection that is not idle") }
        let call = call.preparedName != nil && !namedStatements ? call.unnamed : call
        outcome = nil
        if let name = call.preparedName, !prepared.contains(name.id) {
            state = .preparing(call)
            return .prepare(call, name)
        }
        state = .running(call)
        return .execute(call)
    }

    /// libpq read one result of the command (`PQgetResult`): the first error is kept, or else
    /// the rows of the first successful result.
    mutating func received(_ result: Result<PQRows, PQError>) {
        switch result {
        case .success:
            if outcome == nil { outcome = result }
        case .failure(let error):
            if Self.meansStatementsAreNotKept(error) { mustRetire = true }
            if case .failure = outcome {} else { outcome = result }
        }
    }

    /// The command is complete (`PQgetResult` returned NULL). `connectionOK`: libpq still sees a
    /// usable connection; `inTransaction`: the session is inside a transaction block, which a
    /// pooled connection must never carry into the next call.
    mutating func resultsDone(connectionOK: Bool, inTransaction: Bool) -> Action {
        let call: Call
        let preparing: Bool
        switch state {
        case .preparing(let current):
            call = current
            preparing = true
        case .running(let current):
            call = current
            preparing = false
        case .idle, .closed:
            return .wait
        }
        let result = outcome ?? .failure(PQError(kind: .query, message: "no result"))
        outcome = nil
        if case .failure(let error) = result, call.preparedName != nil, Self.meansStatementsAreNotKept(error) {
            // The Prepare or the Execute met a session that is not the one we prepared on (a
            // pooler in transaction mode) or a `DISCARD ALL`: nothing ran.
            state = .closed
            return .runAgainUnnamed(call, error)
        }
        if preparing, let name = call.preparedName {
            guard case .success = result else {
                // The statement does not parse or plan: the caller gets why, and nothing is
                // remembered as prepared.
                state = .idle
                return .complete(call, result, reuse: true)
            }
            prepared.insert(name.id)
            state = .running(call)
            return .execute(call)
        }
        let reuse = connectionOK && !inTransaction && !mustRetire
        state = reuse ? .idle : .closed
        return .complete(call, result, reuse: reuse)
    }

    /// The connection broke: a send or flush failed, reading failed, or libpq's status is bad.
    /// The call in flight fails — with the server's own reason when it said one before closing
    /// (57P01 on an admin shutdown), else with `error`. Reported once: later reports are ignored.
    mutating func connectionLost(_ error: PQError) -> Action {
        switch state {
        case .closed:
            return .wait
        case .idle:
            state = .closed
            return .retire
        case .preparing(let call), .running(let call):
            var reason = error
            if case .failure(let said) = outcome, said.sqlState != nil { reason = said }
            outcome = nil
            state = .closed
            return .complete(call, .failure(reason), reuse: false)
        }
    }

    /// The socket of the idle connection was readable and libpq consumed what was there. Nothing
    /// was asked, so only a notice (or a notification, for a listener) keeps it: anything else is
    /// an admin shutdown, a terminated backend or EOF.
    mutating func idleInput(connectionOK: Bool) -> Action {
        guard case .idle = state else { return .wait }
        if connectionOK { return .wait }
        state = .closed
        return .retire
    }

    /// The connection is being given up (the pool closes, or it was found broken before a call).
    mutating func close() {
        state = .closed
        outcome = nil
    }

    /// After `PQflush`: `moreToSend` when libpq kept output back (the socket was full). Returns the
    /// new write interest when it changes: watch while output waits, stop once it is out, or a
    /// level-triggered `EPOLLOUT` would wake the poller in a loop.
    mutating func flushed(moreToSend: Bool) -> Bool? {
        guard moreToSend != watchingWrites else { return nil }
        watchingWrites = moreToSend
        return moreToSend
    }

    /// 26000: a statement we prepared is gone (a `DISCARD ALL`, a pooler that moved us).
    /// 42P05: the name is taken on this session already (it can only be a pooler's doing).
    static func meansStatementsAreNotKept(_ error: PQError) -> Bool {
        error.sqlState == "26000" || error.sqlState == "42P05"
    }
}
