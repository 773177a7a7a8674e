import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a `Listener` reports.
public enum ListenerEvent: Sendable, Equatable {
    /// LISTEN is in place. `reconnected` is true after a lost connection was re-established:
    /// notifications sent meanwhile are lost, so the caller should re-scan its source of truth.
    case listening(reconnected: Bool)
    /// A NOTIFY on one of the channels.
    case notification(channel: String, payload: String)
}

/// `LISTEN/NOTIFY` on a dedicated connection and thread.
///
/// Waits on the socket with a timeout (`poll`), reads with `PQconsumeInput`, drains
/// `PQnotifies`. When the connection breaks (server restart, `pg_terminate_backend`), it
/// reconnects with capped exponential backoff, LISTENs again and reports `.listening(reconnected:
/// true)`. Iteration ends when the consumer stops iterating (the stream is terminated).
public struct Listener: Sendable {
    public let conninfo: String
    public let logger: Logger
    /// Backoff bounds for reconnecting.
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
        let stop = StopFlag()
        let (stream, continuation) = AsyncStream.makeStream(of: ListenerEvent.self, bufferingPolicy: .bufferingNewest(10_000))
        continuation.onTermination = { _ in stop.set() }
        let listener = self
        let thread = Thread {
            listener.run(channels: channels, stop: stop, continuation: continuation)
            continuation.finish()
        }
        thread.name = "pq-listener"
        thread.start()
        return stream
    }

    private func run(channels: [String], stop: StopFlag, continuation: AsyncStream<ListenerEvent>.Continuation) {
        let outages = OutageReporter("listener database", conninfo: conninfo, logger: logger)
        var backoff = initialBackoff
        var everListened = false
        while !stop.isSet {
            let connection: Connection
            do {
                connection = try Connection(conninfo: conninfo, applicationName: "portal-auth-listener")
                for channel in channels {
                    try connection.execute("listen \(try connection.quoteIdentifier(channel))")
                }
            } catch {
                outages.failed(error as? PQError ?? PQError(kind: .connection, message: "\(error)"))
                sleepUnlessStopped(seconds: backoff, stop: stop)
                backoff = min(backoff * 2, maximumBackoff)
                continue
            }
            backoff = initialBackoff
            outages.succeeded()
            continuation.yield(.listening(reconnected: everListened))
            everListened = true
            // Notifications may already be buffered from the LISTEN round trip.
            while let note = connection.nextNotification() {
                continuation.yield(.notification(channel: note.channel, payload: note.payload))
            }
            while !stop.isSet {
                var fds = pollfd(fd: connection.socket, events: Int16(POLLIN), revents: 0)
                let ready = poll(&fds, 1, 250)
                if ready < 0 && errno != EINTR { break }
                if ready <= 0 { continue }
                guard connection.consumeInput() else { break }
                while let note = connection.nextNotification() {
                    continuation.yield(.notification(channel: note.channel, payload: note.payload))
                }
            }
            if !stop.isSet {
                logger.info("listener connection lost; reconnecting")
            }
        }
    }

    private func sleepUnlessStopped(seconds: Double, stop: StopFlag) {
        var remaining = seconds
        while remaining > 0 && !stop.isSet {
            let step = min(remaining, 0.1)
            usleep(UInt32(step * 1_000_000))
            remaining -= step
        }
    }
}

/// A flag set once from any thread.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
