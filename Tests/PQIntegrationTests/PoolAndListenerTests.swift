import Foundation
import PQ
import TestSupport
import Testing

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh")) struct ConnectionPoolTests {
    @Test func twoHundredConcurrentQueriesAllAnswerCorrectly() async throws {
        let pool = ConnectionPool(conninfo: try TestDatabase.url(), size: 8)
        defer { pool.close() }
        let results = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for i in 0..<200 {
                group.addTask {
                    let value = try await pool.query("select $1::int * 2 from pg_sleep(0.005)", [i]).scalar(Int.self)
                    return (i, value ?? -1)
                }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 200)
        #expect(results.allSatisfy { $0.value == $0.key * 2 })
        let backends = try await withThrowingTaskGroup(of: Int32.self) { group in
            for _ in 0..<32 {
                group.addTask {
                    try await pool.query("select pg_backend_pid() from pg_sleep(0.02)").scalar(Int32.self) ?? -1
                }
            }
            return try await group.reduce(into: Set<Int32>()) { $0.insert($1) }
        }
        #expect(backends.count <= 8, "the pool never opens more than its size")
    }

    @Test func aTerminatedConnectionIsReplacedByItself() async throws {
        let pool = ConnectionPool(conninfo: try TestDatabase.url(), size: 1)
        defer { pool.close() }
        let first = try #require(try await pool.query("select pg_backend_pid()").scalar(Int32.self))
        let admin = try TestDatabase.connect()
        try admin.query("select pg_terminate_backend($1)", [Int(first)])
        try await Task.sleep(for: .milliseconds(200))
        let row = try #require(try await pool.query("select pg_backend_pid(), 7").first)
        #expect(try row.decode(0, as: Int32.self) != first)
        #expect(try row.decode(1, as: Int.self) == 7)
    }

    @Test func aDownServerFailsFastWithAConnectionError() async throws {
        let pool = ConnectionPool(conninfo: "host=127.0.0.1 port=1 connect_timeout=2", size: 2)
        defer { pool.close() }
        let started = ContinuousClock.now
        let error = await #expect(throws: PQError.self) { try await pool.query("select 1") }
        #expect(error?.isConnectionFailure == true)
        // Refused at once; the bound only proves it does not hang (connect_timeout=2): under the
        // integration tier's parallel suites on 2 cores, resuming the task alone took 30 s once.
        #expect(ContinuousClock.now - started < .seconds(90))
    }
}

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh")) struct ListenerTests {
    @Test func receivesNotifyAndSurvivesTermination() async throws {
        let url = try TestDatabase.url()
        let channel = "probe_\(UInt32.random(in: 0...UInt32.max))"
        let events = Listener(conninfo: url).notifications(on: channel)
        var iterator = events.makeAsyncIterator()
        #expect(await iterator.next() == .listening(reconnected: false))

        let admin = try TestDatabase.connect()
        try admin.query("select pg_notify($1, $2)", [channel, "first"])
        #expect(await iterator.next() == .notification(channel: channel, payload: "first"))

        // Kill the listener's backend; it must reconnect, LISTEN again and say so.
        try admin.query(
            "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'portal-auth-listener' and query like $1",
            ["%\(channel)%"])
        #expect(await iterator.next() == .listening(reconnected: true))
        try admin.query("select pg_notify($1, $2)", [channel, "second"])
        #expect(await iterator.next() == .notification(channel: channel, payload: "second"))
    }

    /// While it listens, the listener's socket is one more on the reactor's poller: no thread of
    /// its own waits on it (the connect thread ends with the attempt).
    @Test func aListenerWaitsWithoutAThreadOfItsOwn() async throws {
        let channel = "probe_\(UInt32.random(in: 0...UInt32.max))"
        let events = Listener(conninfo: try TestDatabase.url()).notifications(on: channel)
        var iterator = events.makeAsyncIterator()
        #expect(await iterator.next() == .listening(reconnected: false))
        func threads(named prefix: String) -> Int {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
            // Read to EOF: procfs reports a size of 0.
            return tasks.compactMap { FileHandle(forReadingAtPath: "/proc/self/task/\($0)/comm")?.readDataToEndOfFile() }
                .filter { String(decoding: $0, as: UTF8.self).hasPrefix(prefix) }.count
        }
        for _ in 0..<100 where threads(named: "pq-listen") > 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(threads(named: "pq-listen") == 0, "no thread named pq-listen… while listening")
        #expect(threads(named: "pq-poller") == 1, "the one poller of the process")
        try TestDatabase.connect().query("select pg_notify($1, 'woken')", [channel])
        #expect(await iterator.next() == .notification(channel: channel, payload: "woken"), "the poller read it")
    }

    @Test func outboxInsertsNotifyThePortalMailChannel() async throws {
        let events = Listener(conninfo: try TestDatabase.url()).notifications(on: "portal_mail")
        var iterator = events.makeAsyncIterator()
        #expect(await iterator.next() == .listening(reconnected: false))
        let connection = try TestDatabase.connect()
        _ = try TestDatabase.invitedClient(connection)
        let mailID = try connection.query("select max(id) from portal.mail_outbox").scalar(String.self)
        var payload: String?
        while let event = await iterator.next() {
            if case .notification(let channel, let text) = event, channel == "portal_mail", text == mailID {
                payload = text
                break
            }
        }
        #expect(payload == mailID)
    }
}
