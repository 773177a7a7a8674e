import Foundation
import HTTPTypes
import PQ
@testable import Gateway
import PortalCore
import TestSupport
import Testing

/// A held row lock, a role that cannot call the gateway's functions, HEAD: the gateway answers
/// fast and truthfully. Against the test database as `portal_gateway`, whose deadlines sql/schema/0001_roles_and_schemas.sql sets.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh"))
struct DeadlineAndReadinessTests {
    static let password = PortalFlowTests.goodPassword

    /// A DBA's open transaction holds one user's row. Three times as many sign-ins for that
    /// email as the pool has connections fail within the role's lock timeout as 503 with
    /// Retry-After — not 500, not hanging — while only one of them holds a connection, and
    /// meanwhile /me of another user answers within a second.
    @Test func aHeldUserRowFailsItsSignInsFastAndOtherUsersAreServed() async throws {
        let fixture = try Fixture()
        let held = try await FlowSupport.activatedUser(fixture, password: Self.password)
        let other = try await FlowSupport.activatedUser(fixture, password: Self.password)
        let pool = 2
        try await Harness.withGateway(try Harness.config(pool: pool)) { gateway in
            let cookie = try #require(try await gateway.signIn(other, Self.password).sessionCookie)

            let dba = try Harness.database()
            let holder = try #require(try dba.query("select pg_backend_pid()").scalar(Int.self))
            try dba.execute("begin")
            try dba.query("select 1 from portal.portal_users where email = $1 for update", [held])
            let signIns = Task {
                try await withThrowingTaskGroup(of: (Gateway.Reply, Duration).self) { group in
                    for _ in 0..<(3 * pool) {
                        group.addTask {
                            let started = ContinuousClock.now
                            let reply = try await gateway.signIn(held, Self.password)
                            return (reply, ContinuousClock.now - started)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            // A sign-in waits on the held row; the others for that account wait in the gateway,
            // holding no connection: at most one of the pool's connections is stuck on the row.
            // Counted as the gateway's sessions this holder blocks (other suites run meanwhile).
            let watcher = try Harness.database()
            func waitingOnTheRow() throws -> Int {
                try watcher.query("""
                    select count(*)::int from pg_stat_activity
                     where usename = 'portal_gateway' and $1::int = any(pg_blocking_pids(pid))
                    """, [holder]).scalar(Int.self) ?? 0
            }
            var waiting = 0
            for _ in 0..<150 where waiting == 0 {
                try await Task.sleep(for: .milliseconds(10))
                waiting = try waitingOnTheRow()
            }
            #expect(waiting == 1, "a sign-in waits on the held row")
            let started = ContinuousClock.now
            let me = try await gateway.get("/api/portal/auth/me", cookie: cookie)
            let meTook = ContinuousClock.now - started
            #expect(me.status == 200)
            #expect(meTook < .seconds(1), "another user's /me answered in \(meTook)")

            var most = waiting
            for _ in 0..<20 {
                most = max(most, try waitingOnTheRow())
                try await Task.sleep(for: .milliseconds(15))
            }
            #expect(most == 1, "one connection of the pool waits on the row, not \(most)")

            let replies = try await signIns.value
            try dba.execute("rollback")
            #expect(replies.count == 3 * pool)
            for (reply, took) in replies {
                #expect(reply.status == 503, "a sign-in waiting on a held row: \(reply.status) \(reply.body)")
                #expect(reply.errorCode == "unavailable")
                #expect(reply.headers[.retryAfter] == "1")
                #expect(!reply.body.contains("55P03") && !reply.body.lowercased().contains("lock"), "no SQL detail: \(reply.body)")
                #expect(took < .milliseconds(2500), "answered in \(took), not after the holder let go")
            }
            // The holder let go: the account signs in again.
            #expect(try await gateway.signIn(held, Self.password).status == 200)
        }
    }

    /// `/readyz` and `portal_database_up` tell whether the gateway can serve, not whether the
    /// server answers `select 1`: a gateway whose role may read the outbox stats but not call
    /// session_check is not ready.
    @Test func readinessFailsWhenTheGatewayRoleCannotCallItsFunctions() async throws {
        let db = try Harness.database()
        try db.execute("""
            do $$ begin
                if not exists (select from pg_roles where rolname = 'portal_readiness_probe') then
                    create role portal_readiness_probe login;
                end if;
            end $$
            """)
        try db.execute("grant usage on schema portal_api to portal_readiness_probe")
        try db.execute("grant execute on function portal_api.outbox_stats() to portal_readiness_probe")
        var config = try Harness.config()
        config.databaseURL = try Harness.superuserURL() + " user=portal_readiness_probe"
        try await Harness.withGateway(config) { gateway in
            let ready = try await gateway.get("/readyz")
            #expect(ready.status == 503, "a gateway that cannot call session_check is not ready")
            #expect(ready.errorCode == "unavailable")
            var scraper = gateway
            scraper.ip = nil
            let metrics = try await scraper.get("/metrics")
            #expect(metrics.status == 200)
            #expect(MetricsTests.value(metrics.body, "portal_database_up") == 0)
        }
        try await Harness.withGateway { gateway in
            let ready = try await gateway.get("/readyz")
            #expect(ready.status == 200, "the gateway's own role is ready")
        }
    }

    /// HEAD on the probes and the session checks answers like GET, without a body.
    @Test func headAnswersLikeGetWithoutABody() async throws {
        let fixture = try Fixture()
        let email = try await FlowSupport.activatedUser(fixture, password: Self.password)
        try await Harness.withGateway { gateway in
            let cookie = try #require(try await gateway.signIn(email, Self.password).sessionCookie)
            let cases: [(String, String?, Int)] = [
                ("/healthz", nil, 200), ("/readyz", nil, 200),
                ("/api/portal/auth/me", cookie, 200), ("/api/portal/auth/me", nil, 401),
                ("/api/portal/auth/session", cookie, 204), ("/api/portal/auth/session", nil, 401),
            ]
            for (path, cookie, status) in cases {
                let get = try await gateway.send(.get, path, cookie: cookie)
                let head = try await gateway.send(.head, path, cookie: cookie)
                #expect(get.status == status, "GET \(path)")
                #expect(head.status == status, "HEAD \(path) answers like GET")
                #expect(head.body.isEmpty, "HEAD \(path) has no body")
                #expect(head.headers[.contentType] == get.headers[.contentType], "HEAD \(path) has GET's content type")
                #expect(head.headers[.portalUserID] == get.headers[.portalUserID])
            }
        }
    }
}
