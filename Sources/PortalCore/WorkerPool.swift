import Foundation

/// A bounded pool of threads for blocking work: a fixed number of workers and a bounded wait
/// queue. Past the queue, work is refused at once with `PortalError.overloaded`.
///
/// The gateway's hash pool is one (each worker needs N·r·128 bytes while scrypt runs; past the
/// queue a sign-in gets 503 + Retry-After — never an out-of-memory kill, never a blocked event
/// loop); the mailer's SMTP thread is another.
public final class WorkerPool: Sendable {
    public let workers: Int
    public let queueLimit: Int
    private let state: State

    /// Called after each job with how long it ran (for metrics).
    private let observe: (@Sendable (Duration) -> Void)?

    public init(workers: Int, queueLimit: Int, name: String = "worker", observe: (@Sendable (Duration) -> Void)? = nil) {
        self.observe = observe
        self.workers = max(1, workers)
        self.queueLimit = max(0, queueLimit)
        let state = State(limit: max(0, queueLimit), workers: max(1, workers))
        self.state = state
        for index in 0..<self.workers {
            let thread = Thread {
                var finishedOne = false
                while let job = state.next(finishedOne: finishedOne) {
                    job()
                    finishedOne = true
                }
            }
            thread.name = "\(name)-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Runs `body` on a worker; throws `.overloaded` when the queue is full.
    public func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            let observe = self.observe
            let accepted = state.enqueue {
                let start = ContinuousClock.now
                let value = body()
                observe?(ContinuousClock.now - start)
                continuation.resume(returning: value)
            }
            if !accepted {
                continuation.resume(throwing: PortalError.overloaded)
            }
        }
    }

    /// Jobs waiting for a worker now.
    public var queued: Int { state.queued }
    /// Jobs running now.
    public var busy: Int { state.busy }

    /// Stops the workers once the queue is drained.
    public func shutdown() { state.close() }

    private final class State: @unchecked Sendable {
        typealias Job = @Sendable () -> Void
        private let condition = NSCondition()
        private var jobs: [Job] = []
        private var head = 0
        private var running = 0
        private var closed = false
        private let limit: Int
        private let workers: Int

        init(limit: Int, workers: Int) {
            self.limit = limit
            self.workers = workers
        }

        func enqueue(_ job: @escaping Job) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            // Idle workers take a job at once, so only the excess over them counts as waiting.
            guard !closed, jobs.count - head < limit + (workers - running) else { return false }
            jobs.append(job)
            condition.signal()
            return true
        }

        /// The next job for a worker; `finishedOne` says the worker just completed one.
        func next(finishedOne: Bool) -> Job? {
            condition.lock()
            if finishedOne { running -= 1 }
            while head == jobs.count && !closed { condition.wait() }
            guard head < jobs.count else {
                condition.unlock()
                return nil
            }
            let job = jobs[head]
            head += 1
            if head > 256 && head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            running += 1
            condition.unlock()
            return job
        }

        var queued: Int { condition.withLock { jobs.count - head } }
        var busy: Int { condition.withLock { running } }

        func close() {
            condition.withLock {
                closed = true
                condition.broadcast()
            }
        }
    }
}
