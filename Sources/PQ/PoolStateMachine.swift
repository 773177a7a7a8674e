/// The reactor pool's bookkeeping as a value: which connections are idle, which calls wait and in
/// what order, how many connections are open or opening, whether named statements are still on.
/// Events in (a call, a connection freed, opened, lost, a connect that failed, a cancelled call,
/// close), actions out (start this call on that connection, open a connection, fail these calls).
/// `ReactorPool` holds it under its lock and does what it says; its tests need no server.
///
/// `Connection` is the reactor's connection object (compared by identity), `Call` the waiting
/// call; the machine never looks inside either.
struct PoolStateMachine<Connection: AnyObject, Call> {
    /// At most this many connections open or opening.
    let size: Int
    private var idle: [Connection] = []
    private var waiting = Deque<(id: UInt64, call: Call)>()
    /// Connections open (idle or busy).
    private(set) var live = 0
    /// Connects under way.
    private(set) var connecting = 0
    private(set) var closed = false
    /// Set once the server lost a statement we prepared, or had its name taken (26000, 42P05):
    /// what a pooler in transaction mode does, which hands each call to any server connection.
    private(set) var preparedLost = false

    init(size: Int) {
        self.size = max(1, size)
    }

    /// Calls waiting for a connection.
    var waitingCalls: Int { waiting.count }

    enum SubmitAction {
        /// Start the call on this idle connection.
        case start(Connection)
        /// The call waits; `connect`: open a connection for it (there is room).
        case queued(connect: Bool)
        /// The pool is closed: fail the call.
        case refuse
    }

    /// A call (`id` identifies it for `cancel`).
    mutating func submit(_ call: Call, id: UInt64) -> SubmitAction {
        if closed { return .refuse }
        if let connection = idle.popLast() { return .start(connection) }
        waiting.append((id, call))
        return .queued(connect: reserveConnect())
    }

    /// A connection finished its call (or just opened): the next waiting call for it, if any;
    /// else it goes idle. `giveUp`: the pool is closed, close the connection.
    mutating func release(_ connection: Connection) -> (next: Call?, giveUp: Bool) {
        if closed { return (nil, true) }
        if let next = waiting.popFirst() { return (next.call, false) }
        idle.append(connection)
        return (nil, false)
    }

    /// A connect succeeded: counted open before it is given a call (`release` does that next).
    mutating func connected() {
        connecting -= 1
        live += 1
    }

    /// A connection counted open by `connected` could not be watched after all: it counts as a
    /// connect under way again, for `connectFailed`.
    mutating func connectUndone() {
        live -= 1
        connecting += 1
    }

    /// A connect failed. With none open, the server is down for every waiting call: they fail
    /// now (the next call tries again) rather than wait for a server that does not answer.
    mutating func connectFailed() -> [Call] {
        connecting -= 1
        guard live == 0 else { return [] }
        var failed: [Call] = []
        while let entry = waiting.popFirst() { failed.append(entry.call) }
        return failed
    }

    /// An open connection broke or was given up (call once per connection). True when another
    /// should open: calls wait and there is room.
    mutating func lost(_ connection: Connection) -> Bool {
        live -= 1
        idle.removeAll { $0 === connection }
        return !closed && !waiting.isEmpty && reserveConnect()
    }

    /// The caller of `id` stopped waiting (its task was cancelled): the call, when it had not
    /// reached a connection yet — nothing of it was sent. Nil once it is on a connection: a call
    /// sent runs to its end.
    mutating func cancel(id: UInt64) -> Call? {
        waiting.remove { $0.id == id }?.call
    }

    /// Stops accepting calls: the waiting calls to fail and the idle connections to close.
    /// Busy connections are given up when their call completes (`release` says so).
    mutating func close() -> (failed: [Call], idle: [Connection]) {
        if closed { return ([], []) }
        closed = true
        var failed: [Call] = []
        while let entry = waiting.popFirst() { failed.append(entry.call) }
        defer { idle.removeAll() }
        return (failed, idle)
    }

    /// The server showed it does not keep named statements. True the first time (say so once).
    mutating func statementsLost() -> Bool {
        defer { preparedLost = true }
        return !preparedLost
    }

    private mutating func reserveConnect() -> Bool {
        guard live + connecting < size else { return false }
        connecting += 1
        return true
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

    /// Removes and returns the first element that matches (a cancelled call: rare, so linear).
    mutating func remove(where matches: (Element) -> Bool) -> Element? {
        guard let index = items[head...].firstIndex(where: matches) else { return nil }
        return items.remove(at: index)
    }
}
