import CPoll
import Foundation
import WorkQueues

#if canImport(Glibc)
import Glibc
#endif

/// Something the poller wakes when its socket is ready.
protocol PollTarget: AnyObject, Sendable {
    /// Called on the poller thread with the `epoll` event bits. Must not block.
    func ready(events: UInt32)
}

/// The one thread of the process that waits on database sockets: `epoll` over every pool
/// connection's socket and every listener's. It lives as long as the process (`shared`), so a
/// pool or a listener costs no thread of its own while it waits.
///
/// Registration is by a number that is never reused (not by file descriptor), so an event that
/// was already fetched for a connection that has since closed — and whose descriptor number a new
/// connection may have been given — finds nothing and is dropped. `epoll_ctl` is safe to call
/// from any thread, so submitters change a socket's interest without waking the poller.
final class Poller: @unchecked Sendable {
    /// The process's poller; a failure when the kernel refused the epoll descriptor (then every
    /// connect fails with that error: there is no other way to wait).
    static let shared: Result<Poller, PQError> = Result { () throws(PQError) in try Poller(name: "pq-poller") }

    private let epoll: Int32
    private let lock = NSLock()
    private var targets: [UInt64: any PollTarget] = [:]
    private var nextID: UInt64 = 1

    private init(name: String) throws(PQError) {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else {
            throw PQError(kind: .connection, message: "could not create the poller (errno \(errno))")
        }
        // The thread keeps the poller alive for the life of the process.
        let thread = Thread {
            nameCurrentThread(name)
            self.run()
        }
        thread.name = name
        thread.start()
    }

    /// A fresh registration number for a target.
    func makeID() -> UInt64 {
        lock.withLock {
            defer { nextID += 1 }
            return nextID
        }
    }

    /// Starts watching `fd` for reading (and writing, when `writable`).
    func add(_ target: any PollTarget, id: UInt64, fd: Int32, writable: Bool) -> Bool {
        lock.withLock {
            var event = Self.event(id: id, writable: writable)
            guard epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) == 0 else { return false }
            targets[id] = target
            return true
        }
    }

    /// Changes whether `fd` is also watched for writing (while libpq has unsent output).
    func modify(id: UInt64, fd: Int32, writable: Bool) {
        var event = Self.event(id: id, writable: writable)
        _ = epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &event)
    }

    /// Stops watching `fd` (nil: it is closed already, only forget the target). Call before the
    /// descriptor is closed (`PQfinish`).
    func remove(id: UInt64, fd: Int32?) {
        lock.withLock {
            var event = epoll_event()
            if let fd { _ = epoll_ctl(epoll, EPOLL_CTL_DEL, fd, &event) }
            targets[id] = nil
        }
    }

    private static func event(id: UInt64, writable: Bool) -> epoll_event {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | (writable ? EPOLLOUT.rawValue : 0)
        event.data.u64 = id
        return event
    }

    private func run() {
        let capacity: Int32 = 64
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: Int(capacity))
        while true {
            let count = epoll_wait(epoll, events, capacity, -1)
            if count < 0 {
                if errno == EINTR { continue }
                // Not expected with a valid descriptor; callers would hang without the poller,
                // so keep trying rather than leave.
                usleep(1000)
                continue
            }
            for index in 0..<Int(count) {
                let id = events[index].data.u64
                let target = lock.withLock { targets[id] }
                target?.ready(events: events[index].events)
            }
        }
    }
}
