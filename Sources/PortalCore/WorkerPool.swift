import Foundation
import WorkQueues

/// A bounded pool of threads for blocking work: a fixed number of workers and a bounded wait
/// queue. Past the queue, work is refused at once with `PortalError.overloaded`.
///
/// The gateway's hash pool is one (each worker needs N·r·128 bytes while scrypt runs; past the
/// queue a sign-in is refused as `overloaded` (retry after a second) — never an out-of-memory kill, never a blocked event
/// loop); the mailer's SMTP thread is another.
public final class WorkerPool: Sendable {
    public let workers: Int
    public let queueLimit: Int
    private let state: JobQueue<@Sendable () -> Void>

    /// Called after each job with how long it ran (for metrics).
    private let observe: (@Sendable (Duration) -> Void)?

    public init(workers: Int, queueLimit: Int, name: String = "worker", observe: (@Sendable (Duration) -> Void)? = nil) {
        self.observe = observe
        self.workers = max(1, workers)
        self.queueLimit = max(0, queueLimit)
        let state = JobQueue<@Sendable () -> Void>(threads: max(1, workers), limit: max(0, queueLimit))
        self.state = state
        for index in 0..<self.workers {
            state.startThread(name: "\(name)-\(index)", stackSize: 1 << 20)
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
}
