import ServiceLifecycle

/// A thread pool (the database pool, the hash pool) as a ServiceLifecycle service: it runs until
/// graceful shutdown begins, then closes its threads. Listed before the HTTP server in the
/// application's service group, it is shut down after the server has drained its requests, so no
/// request in flight finds its pool closed. Closing is idempotent.
public struct ClosingService: Service {
    public let name: String
    private let close: @Sendable () -> Void

    public init(name: String, close: @escaping @Sendable () -> Void) {
        self.name = name
        self.close = close
    }

    public func run() async throws {
        // Returns at graceful shutdown, or throws when the task is cancelled: close either way.
        try? await gracefulShutdown()
        close()
    }
}
