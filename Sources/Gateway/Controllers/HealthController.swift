import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PortalCore

/// `GET /healthz` (the process answers, without touching the database or the hash pool) and
/// `GET /readyz` (the gateway can serve: its own per-request call answers, `AuthStore.ping`).
/// HEAD answers both like GET, without the body (the router's generated HEAD routes).
///
/// With `grants`, ready also means the role may call every function the gateway calls: a role
/// without them stays not ready, and each failed probe re-checks (at most every few seconds),
/// logging the sentence that names the role and the missing grants until a GRANT fixes it.
struct HealthController: Sendable {
    let readiness: SharedProbe

    init(service: PortalService, grants: GrantWatch? = nil) {
        self.init(ready: service.ready, grants: grants)
    }

    /// `ready` is the gateway's own per-request call (`PortalService.ready`).
    init(ready: @escaping @Sendable () async throws -> Void, grants: GrantWatch? = nil) {
        readiness = SharedProbe {
            do {
                try await ready()
            } catch let error as PortalError where error.privilegeDenial != nil {
                _ = await grants?.check()
                throw error
            }
            if let grants, await grants.isComplete() == false { throw PortalError.unavailable() }
        }
    }

    /// The two answers are constants: encoded once, not per probe.
    private static let ok = ByteBuffer(string: #"{"status":"ok"}"#)
    private static let ready = ByteBuffer(string: #"{"status":"ready"}"#)

    private static func answer(_ body: ByteBuffer) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
    }

    func register(on router: Router<PortalRequestContext>) {
        router.get("healthz") { _, _ in Self.answer(Self.ok) }
        router.get("readyz") { _, _ in
            guard await readiness.check() else { throw PortalError.unavailable() }
            return Self.answer(Self.ready)
        }
    }
}

/// Concurrent probes share one round trip, and every answer is fresh: a probe waits for the next
/// round trip that *starts after it arrived* — never joins one already on its way — so "ready"
/// always means the database answered after the question was asked. A lone probe costs what it
/// did alone (one readiness call); a hundred probes at once (load balancers, Kubernetes, a probe
/// storm) cost the database one query in flight at a time instead of a hundred, and each waits at
/// most the round trip in flight plus its own.
final class SharedProbe: @unchecked Sendable {
    private let roundTrip: @Sendable () async throws -> Void
    private let lock = NSLock()
    /// Probes waiting for the next round trip.
    private var waiting: [CheckedContinuation<Bool, Never>] = []
    /// Whether a task is running round trips (it stops when nobody waits).
    private var running = false

    init(_ roundTrip: @escaping @Sendable () async throws -> Void) {
        self.roundTrip = roundTrip
    }

    /// Probes waiting for a round trip to start (tests).
    var waitingCount: Int { lock.withLock { waiting.count } }

    /// True when a round trip that began after this call answered without an error.
    func check() async -> Bool {
        await withCheckedContinuation { continuation in
            let lead = lock.withLock {
                waiting.append(continuation)
                if running { return false }
                running = true
                return true
            }
            if lead { Task { await self.rounds() } }
        }
    }

    /// Round trips while probes wait: each takes everybody waiting *before* it starts.
    private func rounds() async {
        while true {
            let batch: [CheckedContinuation<Bool, Never>] = lock.withLock {
                if waiting.isEmpty { running = false }
                defer { waiting = [] }
                return waiting
            }
            if batch.isEmpty { return }
            let answered = (try? await roundTrip()) != nil
            for probe in batch { probe.resume(returning: answered) }
        }
    }
}

/// The role's grants as readiness sees them (`RoleGrants`): checked at start, then again only
/// while something lacks — at most once per `interval`, each time logging the sentence (error)
/// that names the role, what it lacks and the fix — so a ready gateway's probes cost no extra query.
final class GrantWatch: @unchecked Sendable {
    private let grants: RoleGrants
    private let logger: Logger
    private let interval: Duration
    private let run: @Sendable () async throws -> RoleGrants.Finding
    private let lock = NSLock()
    /// The last answer: nil before one, or when the database did not answer.
    private var complete: Bool?
    private var lastCheck: ContinuousClock.Instant?

    init(grants: RoleGrants, logger: Logger, interval: Duration = .seconds(3),
         run: @escaping @Sendable () async throws -> RoleGrants.Finding) {
        self.grants = grants
        self.logger = logger
        self.interval = interval
        self.run = run
    }

    /// Runs the catalogue query now (unless one ran within `interval`): true when nothing lacks,
    /// false when something does (logged), nil when the database did not answer.
    @discardableResult
    func check() async -> Bool? {
        let due = lock.withLock {
            if let lastCheck, ContinuousClock.now - lastCheck < interval { return false }
            lastCheck = .now
            return true
        }
        guard due else { return lock.withLock { complete } }
        let finding: RoleGrants.Finding
        do { finding = try await run() } catch { return lock.withLock { complete } }
        lock.withLock { complete = finding.isComplete }
        if !finding.isComplete { logger.error("\(grants.sentence(finding))") }
        return finding.isComplete
    }

    /// False while the last check found something lacking (re-checked at most every `interval`).
    func isComplete() async -> Bool {
        guard lock.withLock({ complete }) == false else { return true }
        return await check() ?? false
    }
}
