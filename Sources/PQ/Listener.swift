import CLibPQ
import Foundation
import Logging
import WorkQueues

/// What a `Listener` reports.
public enum ListenerEvent: Sendable, Equatable {
    /// LISTEN is in place. `reconnected` is true after a lost connection was re-established:
    /// notifications sent meanwhile are lost, so the caller should re-scan its source of truth.
    case listening(reconnected: Bool)
    /// A NOTIFY on one of the channels.
    case notification(channel: String, payload: String)
}

/// `LISTEN/NOTIFY` on a dedicated connection, waited on by the reactor's poller.
///
/// Connects and LISTENs on a short-lived thread (libpq's blocking connect, as the pool does),
/// then hands the socket to the poller, which reads with `PQconsumeInput` and drains `PQnotifies`
/// the moment something arrives: while it listens, no thread of its own and no polling interval.
/// When the connection breaks (server restart, `pg_terminate_backend`), it reconnects with capped
/// exponential backoff, LISTENs again and reports `.listening(reconnected: true)`. Iteration ends
/// when the consumer stops iterating (the stream is terminated).
public struct Listener: Sendable {
    public let conninfo: String
    public let logger: Logger
    /// Backoff bounds for reconnecting, in seconds.
    public var initialBackoff: Double = 0.1
    public var maximumBackoff: Double = 5

    public init(conninfo: String, logger: Logger = Logger(label: "portal-auth.listener")) {
        self.conninfo = conninfo
        self.logger = logger
    }

    /// Events for the given channels, starting with `.listening(reconnected: false)` once the
    /// first LISTEN succeeds.
    public func notifications(on channels: String...) -> AsyncStream<ListenerEvent> {
        notifications(on: channels)
    }

    /// Events for the given channels.
    public func notifications(on channels: [String]) -> AsyncStream<ListenerEvent> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: ListenerEvent.self, bufferingPolicy: .bufferingNewest(10_000))
        let listener = self
        let task = Task {
            await listener.run(channels: channels, continuation: continuation)
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func run(channels: [String], continuation: AsyncStream<ListenerEvent>.Continuation) async {
        let outages = OutageReporter("listener database", conninfo: conninfo, logger: logger)
        var backoff = initialBackoff
        var everListened = false
        while !Task.isCancelled {
            let socket: ListenerSocket
            do {
                let connection = try await listen(on: channels)
                socket = try ListenerSocket(connection, poller: try Poller.shared.get()) { channel, payload in
                    continuation.yield(.notification(channel: channel, payload: payload))
                }
            } catch {
                outages.failed(error as? PQError ?? PQError(kind: .connection, message: "\(error)"))
                try? await Task.sleep(for: .milliseconds(Int(backoff * 1000)))
                backoff = min(backoff * 2, maximumBackoff)
                continue
            }
            backoff = initialBackoff
            outages.succeeded()
            continuation.yield(.listening(reconnected: everListened))
            everListened = true
            // Notifications that came with the LISTEN round trip, then whatever the poller reads.
            guard socket.start() else {
                outages.failed(PQError(kind: .connection, message: "could not watch the listener's socket"))
                try? await Task.sleep(for: .milliseconds(Int(backoff * 1000)))
                continue
            }
            await socket.untilLost()
            if !Task.isCancelled {
                logger.info("listener connection lost; reconnecting")
            }
        }
    }

    /// A connection that LISTENs on `channels`, opened on a thread that ends with the attempt
    /// (attempts are rare and spaced by the backoff; an idle thread per listener would not be).
    private func listen(on channels: [String]) async throws -> Connection {
        let conninfo = conninfo
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                nameCurrentThread("pq-listen")
                continuation.resume(
                    with: Result {
                        let connection = try Connection(conninfo: conninfo, applicationName: "portal-auth-listener")
                        for channel in channels {
                            try connection.execute("listen \(try connection.quoteIdentifier(channel))")
                        }
                        return connection
                    })
            }
            thread.name = "pq-listen"
            thread.start()
        }
    }
}

/// A listening connection while the poller watches it: hands on each notification, and ends —
/// leaving the poller and waking `untilLost` — when the connection breaks or the listener stops.
final class ListenerSocket: PollTarget, @unchecked Sendable {
    private let connection: Connection
    private let poller: Poller
    private let id: UInt64
    private let fd: Int32
    private let deliver: @Sendable (String, String) -> Void
    private let lock = NSLock()
    private var ended = false
    private var waiter: CheckedContinuation<Void, Never>?

    init(
        _ connection: Connection, poller: Poller, deliver: @escaping @Sendable (String, String) -> Void
    ) throws(PQError) {
        guard PQsetnonblocking(connection.handle, 1) == 0 else {
            throw PQError(kind: .connection, message: "could not switch the listener's connection to non-blocking mode")
        }
        self.connection = connection
        self.poller = poller
        self.deliver = deliver
        id = poller.makeID()
        fd = connection.socket
    }

    /// Delivers what is buffered already, then lets the poller watch the socket (level-triggered:
    /// anything that arrived meanwhile is reported at once). False when the poller refused it.
    func start() -> Bool {
        lock.withLock {
            drain()
            ended = !poller.add(self, id: id, fd: fd, writable: false)
            return !ended
        }
    }

    /// On the poller thread: read what arrived; a broken connection ends the wait.
    func ready(events: UInt32) {
        let healthy: Bool = lock.withLock {
            guard !ended else { return true }
            let read = connection.consumeInput()
            drain()
            return read
        }
        if !healthy { stop() }
    }

    /// Returns when the connection broke, or at once when the task is cancelled (the consumer
    /// stopped iterating).
    func untilLost() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let endedAlready: Bool = lock.withLock {
                    if !ended { waiter = continuation }
                    return ended
                }
                if endedAlready { continuation.resume() }
            }
        } onCancel: {
            stop()
        }
    }

    /// Ends the wait, once: leaves the poller (before `PQfinish` closes the socket) and wakes
    /// `untilLost`.
    func stop() {
        let waiter: CheckedContinuation<Void, Never>? = lock.withLock {
            guard !ended else { return nil }
            ended = true
            poller.remove(id: id, fd: connection.socket == fd ? fd : nil)
            defer { self.waiter = nil }
            return self.waiter
        }
        waiter?.resume()
    }

    /// Called with the lock held.
    private func drain() {
        while let note = connection.nextNotification() { deliver(note.channel, note.payload) }
    }
}
