import Foundation

/// At most one operation per key at a time in this process; the others for the same key wait
/// here — holding no database connection — for at most `patience`, then fail `unavailable`.
///
/// Why: a sign-in's record step locks the user's row. While someone else holds it (a DBA's open
/// transaction, a long import), every sign-in for that account waits in the database until the
/// role's `lock_timeout` (set in `sql/schema/0001_roles_and_schemas.sql`), each on a pool connection: `PORTAL_DB_POOL` of them took every
/// connection, and other users' `/me` queued behind them. Through this gate one connection per
/// account waits on the row; the rest wait in memory and give up at their deadline.
final class OnePerKey: @unchecked Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Bool, Never>
    }

    private let lock = NSLock()
    /// A key is present while its operation runs; its value is who waits, first in first out.
    private var queues: [String: [Waiter]] = [:]
    private var lastID: UInt64 = 0

    /// Runs `body` once no other operation for `key` runs; `unavailable` after `patience` of waiting.
    func run<T: Sendable>(key: String, patience: Duration, _ body: () async throws -> T) async throws -> T {
        guard await acquire(key, patience: patience) else { throw PortalError.unavailable() }
        defer { release(key) }
        return try await body()
    }

    /// Operations waiting right now (tests).
    var waitingCount: Int { lock.withLock { queues.values.reduce(0) { $0 + $1.count } } }

    private func acquire(_ key: String, patience: Duration) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let id: UInt64? = lock.withLock {
                guard queues[key] != nil else {
                    queues[key] = []
                    return nil
                }
                lastID += 1
                queues[key]!.append(Waiter(id: lastID, continuation: continuation))
                return lastID
            }
            guard let id else { return continuation.resume(returning: true) }
            Task { [self] in
                try? await Task.sleep(for: patience)
                let expired: CheckedContinuation<Bool, Never>? = lock.withLock {
                    guard let index = queues[key]?.firstIndex(where: { $0.id == id }) else { return nil }
                    return queues[key]!.remove(at: index).continuation
                }
                expired?.resume(returning: false)
            }
        }
    }

    /// Hands the key to the first waiter, or frees it.
    private func release(_ key: String) {
        let next: CheckedContinuation<Bool, Never>? = lock.withLock {
            guard var waiting = queues[key], !waiting.isEmpty else {
                queues[key] = nil
                return nil
            }
            let first = waiting.removeFirst()
            queues[key] = waiting
            return first.continuation
        }
        next?.resume(returning: true)
    }
}
