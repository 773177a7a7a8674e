import Foundation
import PQ
import TestSupport
import Testing

/// The reactor behind `ConnectionPool` against the real test database: many calls on few
/// connections, prepared and unprepared, a backend killed under a call, a transaction left open,
/// a call cancelled while it waits, TLS.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh"))
struct ReactorTests {
    @Test(arguments: [true, false])
    func twoHundredConcurrentQueriesOnFourConnections(prepared: Bool) async throws {
        let pool = ConnectionPool(conninfo: try TestDatabase.url(), size: 4, prepared: prepared)
        defer { pool.close() }
        let answers = try await withThrowingTaskGroup(of: (Int, Int, Int32).self) { group in
            for i in 0..<200 {
                group.addTask {
                    let row = try #require(try await pool.query(
                        "select $1::int * 2, pg_backend_pid() from pg_sleep(0.002)", [i]).first)
                    return (i, try row.decode(0, as: Int.self) ?? -1, try row.decode(1, as: Int32.self) ?? -1)
                }
            }
            return try await group.reduce(into: [(Int, Int, Int32)]()) { $0.append($1) }
        }
        #expect(answers.count == 200)
        #expect(answers.allSatisfy { $0.1 == $0.0 * 2 }, "every caller got its own answer")
        #expect(Set(answers.map(\.2)).count <= 4, "never more connections than the pool's size")
        // The same text ran as a named statement (named after a hash of its text), or never did.
        let named = try await pool.query(
            "select count(*) from pg_prepared_statements where name ~ '^portal_[0-9a-f]{16}$' and statement = $1",
            ["select $1::int * 2, pg_backend_pid() from pg_sleep(0.002)"]
        ).scalar(Int.self)
        #expect(prepared ? named == 1 : named == 0)
    }

    @Test func aBackendKilledMidQueryFailsOnlyItsOwnQuery() async throws {
        let pool = ConnectionPool(conninfo: try TestDatabase.url(), size: 4)
        defer { pool.close() }
        let marker = "victim_\(UInt32.random(in: 0...UInt32.max))"
        let started = ContinuousClock.now
        async let victim: Result<PQRows, Error> = {
            do { return .success(try await pool.query("select '\(marker)', pg_sleep(300)")) } catch { return .failure(error) }
        }()
        async let neighbours: [Int] = withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<3 {
                group.addTask { try await pool.query("select $1::int from pg_sleep(1.5)", [i]).scalar(Int.self) ?? -1 }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let admin = try TestDatabase.connect()
        var killed = false
        for _ in 0..<100 where !killed {
            try await Task.sleep(for: .milliseconds(50))
            let rows = try admin.query(
                "select pg_terminate_backend(pid) from pg_stat_activity where query like $1 and pid <> pg_backend_pid()",
                ["%'\(marker)'%"])
            killed = rows.count == 1
        }
        #expect(killed, "the victim's backend was found and terminated")
        let outcome = await victim
        guard case .failure(let error) = outcome else {
            Issue.record("the killed query answered")
            return
        }
        #expect((error as? PQError)?.isConnectionFailure == true, "it fails as a lost connection")
        // The bound only tells "failed when killed" from "answered after its 300 s sleep": the
        // integration tier runs every suite at once on 2 cores, where a resumption can wait 30 s.
        #expect(ContinuousClock.now - started < .seconds(120), "at once, not after its 300 s sleep")
        #expect(try await neighbours.sorted() == [0, 1, 2], "the other connections' queries answered")
        for i in 0..<20 {
            #expect(try await pool.query("select $1::int + 1", [i]).scalar(Int.self) == i + 1, "the pool heals")
        }
    }

    @Test func sessionOptionsApplyToEveryConnectionAndALocalSettingOnlyToItsStatement() async throws {
        // The mailer's shape: asynchronous commit for the session, synchronous for the seal's statement.
        let pool = ConnectionPool(conninfo: try TestDatabase.url(), size: 2, options: "-c synchronous_commit=off")
        defer { pool.close() }
        for _ in 0..<4 {
            #expect(try await pool.query("show synchronous_commit").scalar(String.self) == "off")
            let local = try await pool.query(
                "select set_config('synchronous_commit', 'on', true), current_setting('synchronous_commit')")
            #expect(local.first?[1] == "on")
        }
        #expect(try await pool.query("show synchronous_commit").scalar(String.self) == "off", "back to the session's value")
    }

    @Test func closingWithCallsQueuedFailsEachOnceAndCrashesNothing() async throws {
        for _ in 0..<5 {
            let pool = ConnectionPool(conninfo: try TestDatabase.url(), size: 1)
            let outcomes = await withTaskGroup(of: String.self) { group in
                for i in 0..<60 {
                    group.addTask {
                        do {
                            _ = try await pool.query("select $1::int from pg_sleep(0.001)", [i])
                            return "answered"
                        } catch let error as PQError {
                            return error.kind == .closed ? "closed" : "other: \(String(reflecting: error))"
                        } catch {
                            return "other: \(error)"
                        }
                    }
                }
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(15))
                    pool.close()
                    return "closer"
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(outcomes.count == 61, "every call came back exactly once")
            #expect(outcomes.allSatisfy { ["answered", "closed", "closer"].contains($0) }, "\(outcomes.filter { $0.hasPrefix("other") })")
        }
    }

    @Test func aConnectionLeftInsideATransactionIsNotReused() async throws {
        let pool = ConnectionPool(conninfo: try TestDatabase.url(), size: 1)
        defer { pool.close() }
        let before = try #require(try await pool.query("select pg_backend_pid()").scalar(Int32.self))
        try await pool.query("begin")
        #expect(try await pool.query("select pg_backend_pid()").scalar(Int32.self) != before, "a fresh connection")
        // A savepoint needs a transaction block: refused outside one.
        let error = await #expect(throws: PQError.self) { try await pool.query("savepoint probe") }
        #expect(error?.sqlState == "25P01", "not inside the abandoned transaction")
    }

    @Test func aCallCancelledWhileItWaitsForAConnectionIsNeverSent() async throws {
        let pool = ConnectionPool(conninfo: try TestDatabase.url(), size: 1)
        defer { pool.close() }
        let marker = "busy_\(UInt32.random(in: 0...UInt32.max))"
        try await pool.query("create temporary table cancel_probe (v int)")
        // The only connection is busy until the waiting call has been cancelled (then the busy
        // statement is cancelled too: the test never waits for its sleep, however loaded the machine).
        async let busy = pool.query("select '\(marker)', pg_sleep(60)")
        let admin = try TestDatabase.connect()
        var running = false
        for _ in 0..<200 where !running {
            try await Task.sleep(for: .milliseconds(10))
            running = try admin.query("select 1 from pg_stat_activity where query like $1 and pid <> pg_backend_pid()",
                                      ["%'\(marker)'%"]).count == 1
        }
        #expect(running)
        let waiting = Task { try await pool.query("insert into cancel_probe values (1)") }
        for _ in 0..<2000 where pool.queuedJobs == 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(pool.queuedJobs == 1, "the call waits for the connection")
        waiting.cancel()
        let outcome = await waiting.result
        #expect(throws: CancellationError.self) { try outcome.get() }
        #expect(pool.queuedJobs == 0)
        try admin.query("select pg_cancel_backend(pid) from pg_stat_activity where query like $1 and pid <> pg_backend_pid()",
                        ["%'\(marker)'%"])
        _ = try? await busy
        #expect(try await pool.query("select count(*)::int from cancel_probe").scalar(Int.self) == 0, "it never ran")
    }

    @Test func aLargeParameterAndResultTravelWhole() async throws {
        // Larger than the socket buffers, so the send needs several writable wake-ups and the
        // answer several readable ones.
        let pool = ConnectionPool(conninfo: try TestDatabase.url(), size: 2)
        defer { pool.close() }
        let text = String(repeating: "harbour ", count: 1_000_000)
        let row = try #require(try await pool.query("select length($1), md5($1), repeat($1, 2)", [text]).first)
        #expect(try row.decode(0, as: Int.self) == text.utf8.count)
        #expect(row[2]?.utf8.count == 2 * text.utf8.count)
        let local = try await pool.query("select md5($1)", [text]).scalar(String.self)
        #expect(row[1] == local)
    }

    @Test func aServerErrorFailsTheCallAndKeepsTheConnection() async throws {
        let pool = ConnectionPool(conninfo: try TestDatabase.url(), size: 1)
        defer { pool.close() }
        let before = try await pool.query("select pg_backend_pid()").scalar(Int32.self)
        let error = await #expect(throws: PQError.self) { try await pool.query("select 1 / $1::int", [0]) }
        #expect(error?.sqlState == "22012")
        #expect(error?.isConnectionFailure == false)
        // A statement that fails to prepare is not remembered as prepared.
        await #expect(throws: PQError.self) { try await pool.query("select no_such_column from pg_class") }
        await #expect(throws: PQError.self) { try await pool.query("select no_such_column from pg_class") }
        #expect(try await pool.query("select pg_backend_pid()").scalar(Int32.self) == before)
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["PORTAL_TEST_TLS_DATABASE_URL"] != nil,
                   "needs PORTAL_TEST_TLS_DATABASE_URL (scripts/test.sh turns TLS on in the test cluster)"))
    func sslmodeRequireWorksThroughTheReactor() async throws {
        let url = try #require(ProcessInfo.processInfo.environment["PORTAL_TEST_TLS_DATABASE_URL"])
        let pool = ConnectionPool(conninfo: url, size: 4)
        defer { pool.close() }
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<200 {
                group.addTask {
                    let row = try #require(try await pool.query(
                        "select ssl, $1::int, repeat('x', 20000) from pg_stat_ssl where pid = pg_backend_pid()", [i]).first)
                    return try row.decode(0, as: Bool.self) == true && row.decode(1, as: Int.self) == i
                        && row[2]?.utf8.count == 20000
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 200)
        #expect(results.allSatisfy { $0 }, "every call ran over TLS and got its own answer")
    }
}

/// Postgres stops while a query is half written: the call fails as a lost connection (it does not
/// hang), and the pool answers again once the server is back. Restarts the shared cluster, so
/// scripts/test.sh runs it alone.
@Suite(.enabled(if: TestEnvironment.hasDatabase && TestEnvironment.value("PORTAL_TEST_PG_CTL") != nil,
                "restarts the test cluster (PORTAL_TEST_PG_CTL): run scripts/test.sh"))
struct ReactorRestartTests {
    @Test func aHalfWrittenQueryFailsWhenPostgresStops() async throws {
        let pgCtl = try #require(ProcessInfo.processInfo.environment["PORTAL_TEST_PG_CTL"])
        let pool = ConnectionPool(conninfo: try TestDatabase.url(), size: 1)
        defer { pool.close() }
        let pid = try #require(try await pool.query("select pg_backend_pid()").scalar(Int32.self))
        // The backend stops reading: the query below fills the socket buffers and stays half sent.
        #expect(kill(pid, SIGSTOP) == 0)
        let payload = String(repeating: "x", count: 64 << 20)
        let started = ContinuousClock.now
        let call = Task { try await pool.query("select length($1)", [payload]) }
        try await Task.sleep(for: .milliseconds(500))
        try shell("\(pgCtl) -m immediate stop")
        let outcome = await call.result
        try shell("\(pgCtl) start")
        guard case .failure(let error) = outcome else {
            Issue.record("the half-written query answered")
            return
        }
        #expect((error as? PQError)?.isConnectionFailure == true)
        #expect(ContinuousClock.now - started < .seconds(30), "it failed, it did not hang")
        var answer: Int?
        for _ in 0..<50 where answer == nil {
            answer = try? await pool.query("select 41 + 1").scalar(Int.self)
            if answer == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(answer == 42, "the pool answers after the restart")
    }

    /// `system`, not Foundation's `Process`: its `waitUntilExit` can miss the exit of a command
    /// whose grandchild (the postmaster) lives on.
    private func shell(_ command: String) throws {
        let status = system(command + " >/dev/null 2>&1 </dev/null")
        try #require(status == 0, "\(command) succeeded")
    }
}
