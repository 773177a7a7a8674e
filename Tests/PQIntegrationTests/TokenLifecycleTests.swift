import Foundation
import PQ
import PortalCrypto
import TestSupport
import Testing

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh")) struct TokenLifecycleTests {
    static let hash = "$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5"

    /// 50 connections consume the same sealed token at once: the row lock and the
    /// `used_at is null` re-check make exactly one of them win.
    @Test func fiftyConcurrentConsumersExactlyOneSucceeds() async throws {
        let setup = try TestDatabase.connect()
        let invited = try TestDatabase.invitedClient(setup)
        let key = try TokenKey(secret: String(repeating: "t", count: 40))
        let raw = key.rawToken(tokenID: invited.token)
        try setup.query("select portal_api.seal_token($1, $2)", [invited.token, TokenKey.hash(rawToken: raw)])

        let pool = ConnectionPool(conninfo: try TestDatabase.url(role: "portal_gateway"), size: 50)
        defer { pool.close() }
        // Open all 50 connections first, so the consumers really overlap.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<50 { group.addTask { try await pool.query("select pg_sleep(0.05)") } }
            try await group.waitForAll()
        }
        let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    do {
                        try await pool.query(
                            "select portal_api.consume_token('activation', $1, $2)",
                            [TokenKey.hash(rawToken: raw), Self.hash])
                        return "ok"
                    } catch let error as PQError {
                        return error.sqlState ?? "?"
                    }
                }
            }
            return try await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
        }
        #expect(outcomes == ["ok": 1, "PA001": 49])
    }

    /// The Done-when of the foundation: a DBA invites, the token is sealed and consumed once,
    /// and a pg_dump of the database (mail queued and the token used) holds no raw token.
    @Test func pgDumpHoldsNoRawToken() throws {
        let connection = try TestDatabase.connect()
        let invited = try TestDatabase.invitedClient(connection)
        let key = try TokenKey(secret: String(repeating: "d", count: 40))
        let raw = key.rawToken(tokenID: invited.token)
        try connection.query("select portal_api.seal_token($1, $2)", [invited.token, TokenKey.hash(rawToken: raw)])
        // A second, live and sealed token that is not used (a reset), and the raw admin key.
        try connection.query(
            "update portal.portal_users set password_hash = $1, activated_at = now() where id = $2", [Self.hash, invited.user])
        try connection.query("select portal_api.request_password_reset(email) from portal.portal_users where id = $1", [invited.user])
        let resetID: String = try #require(try connection.query(
            "select id from portal.portal_auth_tokens where portal_user_id = $1 and type = 'reset'", [invited.user]).scalar())
        let resetRaw = key.rawToken(tokenID: resetID)
        try connection.query("select portal_api.seal_token($1, $2)", [resetID, TokenKey.hash(rawToken: resetRaw)])
        let portID: String = try #require(try connection.query("select port_id from portal.clients where id = $1", [invited.client]).scalar())
        let adminKey: String = try #require(try connection.query("select portal_api.create_admin_key($1, 'dump')", [portID]).scalar())

        let dump = try runPgDump(conninfo: try TestDatabase.url())
        #expect(dump.contains(invited.token), "the dump is of the right database")
        #expect(!dump.contains(raw))
        #expect(!dump.contains(resetRaw))
        #expect(!dump.contains(adminKey))
    }

    private func runPgDump(conninfo: String) throws -> String {
        let bindir = ProcessInfo.processInfo.environment["PG_BIN"] ?? "/usr/lib/postgresql/15/bin"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bindir + "/pg_dump")
        process.arguments = ["--data-only", "--schema=portal", "--dbname=\(conninfo)"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }
}
