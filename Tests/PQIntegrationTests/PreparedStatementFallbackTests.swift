import Foundation
import PQ
import TestSupport
import Testing

/// A server session that does not keep our named statements — what PgBouncer in transaction
/// mode gives, simulated on one connection: the call runs again unnamed (nothing of it ran), and
/// the pool stops naming statements.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh"))
struct PreparedStatementFallbackTests {
    /// The name the pool gives `sql` (`portal_` + FNV-1a of the text, as `PreparedName` does).
    static func preparedName(_ sql: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sql.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return "portal_" + String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// 26000: the statement we prepared is gone when we execute it.
    @Test func aStatementTheServerLostRunsAgainUnnamed() async throws {
        let pool = ConnectionPool(conninfo: try TestDatabase.url(), size: 1)
        defer { pool.close() }
        let sql = "select $1::int + 40, 'lost-\(UUID().uuidString)'"
        #expect(try await pool.query(sql, [1]).first?.decode(0, as: Int.self) == 41)
        #expect(pool.usesPreparedStatements)
        // Behind our back, on the same session (a pool of one; a pooler would hand us another one).
        try await pool.query("deallocate all")
        #expect(try await pool.query(sql, [2]).first?.decode(0, as: Int.self) == 42, "the call ran again, unnamed")
        #expect(!pool.usesPreparedStatements, "the pool stopped naming statements")
        let named = try await pool.query("select count(*)::int from pg_prepared_statements where name like 'portal\\_%'").scalar(Int.self)
        #expect(named == 0, "nothing is prepared by name any more")
    }

    /// 42P05: the name is already taken on the session we prepare on (another client of the
    /// pooler prepared it there). The statement under that name is not ours and must not run.
    @Test func aNameTakenOnTheSessionRunsTheCallUnnamed() async throws {
        let pool = ConnectionPool(conninfo: try TestDatabase.url(), size: 1)
        defer { pool.close() }
        let sql = "select $1::text || ' is ours', 'taken-\(UUID().uuidString)'"
        let name = Self.preparedName(sql)
        try await pool.query("prepare \(name)(text) as select 'an imposter'::text, 'x'::text")
        let answer = try await pool.query(sql, ["this"]).first?.decode(0, as: String.self)
        #expect(answer == "this is ours", "the call ran unnamed, not the statement under the taken name")
        #expect(!pool.usesPreparedStatements)
        #expect(try await pool.query(sql, ["still"]).first?.decode(0, as: String.self) == "still is ours")
    }
}
