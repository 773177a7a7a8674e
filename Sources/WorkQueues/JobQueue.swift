import Foundation

/// The job queue behind every set of blocking threads in the project (the libpq pool's and the
/// listener's connect threads, the scrypt hash pool, the mailer's SMTP thread): a FIFO guarded by
/// one condition variable, drained by a fixed set of threads that block in `next`.
///
/// With a `limit`, at most that many jobs wait beyond the idle threads; `enqueue` refuses the
/// rest at once (the hash pool turns that into 503, so memory stays bounded under overload).
public final class JobQueue<Job>: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var head = 0
    private var running = 0
    private var closed = false
    private let limit: Int?
    private let threads: Int

    /// - Parameters:
    ///   - threads: how many threads call `next` (idle ones take a job at once, so they do not
    ///     count against `limit`).
    ///   - limit: jobs that may wait beyond the idle threads; nil for no bound.
    public init(threads: Int, limit: Int? = nil) {
        self.threads = max(1, threads)
        self.limit = limit.map { max(0, $0) }
    }

    /// Adds a job; false when the queue is closed or full.
    public func enqueue(_ job: Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        if let limit, jobs.count - head >= limit + (threads - running) { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// The next job, waiting for one; nil once the queue is closed and drained. A thread passes
    /// `finishedOne: true` when it comes back from running the previous job.
    public func next(finishedOne: Bool) -> Job? {
        condition.lock()
        defer { condition.unlock() }
        if finishedOne { running -= 1 }
        while head == jobs.count && !closed { condition.wait() }
        guard head < jobs.count else { return nil }
        let job = jobs[head]
        head += 1
        if head > 256 && head * 2 > jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        running += 1
        return job
    }

    /// Jobs waiting for a thread now.
    public var queued: Int { condition.withLock { jobs.count - head } }
    /// Jobs running now.
    public var busy: Int { condition.withLock { running } }

    /// Starts a thread that runs jobs until the queue is closed and drained (for queues of
    /// closures; a pool with its own per-thread state would loop over `next` itself).
    public func startThread(name: String, stackSize: Int? = nil) where Job == @Sendable () -> Void {
        let thread = Thread {
            nameCurrentThread(name)
            var finishedOne = false
            while let job = self.next(finishedOne: finishedOne) {
                job()
                finishedOne = true
            }
        }
        thread.name = name
        if let stackSize { thread.stackSize = stackSize }
        thread.start()
    }

    /// Refuses new jobs; the threads finish what is queued, then `next` returns nil.
    public func close() {
        condition.withLock {
            closed = true
            condition.broadcast()
        }
    }
}
