import CPoll
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Something the poller wakes when its socket is ready.
protocol PollTarget: AnyObject, Sendable {
    /// Called on the poller thread with the `epoll` event bits. Must not block.
    func ready(events: UInt32)
}

/// The one thread that waits on every socket of a pool: `epoll` over the connections' sockets
/// plus an `eventfd` to wake it for shutdown.
///
/// Registration is by a number that is never reused (not by file descriptor), so an event that
/// was already fetched for a connection that has since closed — and whose descriptor number a new
/// connection may have been given — finds nothing and is dropped. `epoll_ctl` is safe to call
/// from any thread, so submitters change a socket's interest without waking the poller.
final class Poller: @unchecked Sendable {
    private let epoll: Int32
    private let wakeup: Int32
    private let lock = NSLock()
    private var targets: [UInt64: any PollTarget] = [:]
    private var nextID: UInt64 = 1
    private var stopping = false
    /// Set (under the lock) before the descriptors close, so no `epoll_ctl` reaches a reused number.
    private var descriptorsClosed = false

    init(name: String) throws(PQError) {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeup = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        guard epoll >= 0, wakeup >= 0 else {
            if epoll >= 0 { close(epoll) }
            if wakeup >= 0 { close(wakeup) }
            throw PQError(kind: .connection, message: "could not create the poller (errno \(errno))")
        }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = 0
        _ = epoll_ctl(epoll, EPOLL_CTL_ADD, wakeup, &event)
        // The thread keeps the poller alive until `stop`.
        let thread = Thread { self.run() }
        thread.name = name
        thread.start()
    }

    /// A fresh registration number for a target (0 is the wake-up descriptor).
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
            guard !descriptorsClosed, epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) == 0 else { return false }
            targets[id] = target
            return true
        }
    }

    /// Changes whether `fd` is also watched for writing (while libpq has unsent output).
    func modify(id: UInt64, fd: Int32, writable: Bool) {
        lock.withLock {
            var event = Self.event(id: id, writable: writable)
            if !descriptorsClosed { _ = epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &event) }
        }
    }

    /// Stops watching `fd` (nil: it is closed already, only forget the target). Call before the
    /// descriptor is closed (`PQfinish`).
    func remove(id: UInt64, fd: Int32?) {
        lock.withLock {
            var event = epoll_event()
            if let fd, !descriptorsClosed { _ = epoll_ctl(epoll, EPOLL_CTL_DEL, fd, &event) }
            targets[id] = nil
        }
    }

    /// Ends the thread; the descriptors close when it leaves its loop.
    func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopping = true }
            return !stopping && !descriptorsClosed
        }
        guard first else { return }
        var one: UInt64 = 1
        _ = write(wakeup, &one, 8)
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
        defer {
            events.deallocate()
            lock.withLock {
                descriptorsClosed = true
                targets.removeAll()
                close(epoll)
                close(wakeup)
            }
        }
        while true {
            let count = epoll_wait(epoll, events, capacity, -1)
            if count < 0 {
                if errno == EINTR { continue }
                // Not expected with valid descriptors; the pool's callers would hang without
                // the poller, so keep trying rather than leave.
                usleep(1000)
                continue
            }
            for index in 0..<Int(count) {
                let id = events[index].data.u64
                let bits = events[index].events
                if id == 0 {
                    var value: UInt64 = 0
                    _ = read(wakeup, &value, 8)
                    continue
                }
                let target = lock.withLock { targets[id] }
                target?.ready(events: bits)
            }
            if lock.withLock({ stopping }) { return }
        }
    }
}
