import Foundation
import PQ
import TestSupport
import Testing

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh")) struct ConnectionTests {
    @Test func parametersAndTypesRoundTrip() throws {
        let connection = try TestDatabase.connect()
        let bytes: [UInt8] = [0, 1, 2, 0xFE, 0xFF, 0x5C, 0x27]
        let rows = try connection.query(
            "select $1::int as i, $2::text as t, $3::bool as b, $4::bytea as y, $5::text as n, $6::bigint as g, $7::float8 as d",
            [42, "Zürich ⚓ '; drop table x; --", true, bytes, String?.none, Int64.max, 2.5])
        let row = try #require(rows.first)
        #expect(try row.decode("i", as: Int.self) == 42)
        #expect(try row.decode("t", as: String.self) == "Zürich ⚓ '; drop table x; --")
        #expect(try row.decode("b", as: Bool.self) == true)
        #expect(try row.decode("y", as: [UInt8].self) == bytes)
        #expect(try row.decode("n", as: String.self) == nil)
        #expect(try row.decode("g", as: Int64.self) == Int64.max)
        #expect(try row.decode("d", as: Double.self) == 2.5)
        #expect(rows.columns == ["i", "t", "b", "y", "n", "g", "d"])
    }

    @Test func decodingTheWrongTypeThrows() throws {
        let connection = try TestDatabase.connect()
        let row = try #require(try connection.query("select 'abc'::text as t").first)
        #expect(throws: PQError.self) { try row.decode("t", as: Int.self) }
        #expect(throws: PQError.self) { try row.decode("missing", as: String.self) }
    }

    @Test func errorsCarrySQLStateAndAGenericDescription() throws {
        let connection = try TestDatabase.connect()
        let error = try #require(throws: PQError.self) { try connection.query("select 1 / $1::int", [0]) }
        #expect(error.sqlState == "22012")
        #expect(error.kind == .query)
        #expect(!error.description.contains("division"), "the description must not leak server text")
        #expect(String(reflecting: error).contains("division by zero"))
        let domain = try #require(throws: PQError.self) {
            try connection.query("select portal_api.invite($1, $2)", ["no-such-client", "a@example.com"])
        }
        #expect(domain.sqlState == "PA004")
        #expect(connection.isHealthy, "a failed statement leaves the connection usable")
    }

    @Test func aNulByteInTextIsRefusedBeforeSending() throws {
        let connection = try TestDatabase.connect()
        let error = try #require(throws: PQError.self) { try connection.query("select $1::text", ["a\u{0}b"]) }
        #expect(error.sqlState == "22021")
    }

    @Test func transactionsCommitOrRollBack() throws {
        let connection = try TestDatabase.connect()
        try connection.execute("create temporary table tx_probe (v int)")
        try connection.withTransaction { _ = try $0.query("insert into tx_probe values (1)") }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try connection.withTransaction { connection in
                try connection.query("insert into tx_probe values (2)")
                throw Boom()
            }
        }
        #expect(try connection.query("select count(*) from tx_probe").scalar(Int.self) == 1)
    }

    @Test func uriAndKeyValueConninfoBothWork() throws {
        let keyValue = try TestDatabase.url()
        // Rebuild the same target as a URI: host is a socket folder, so it goes in the query.
        var fields: [String: String] = [:]
        for pair in keyValue.split(separator: " ") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { fields[String(kv[0])] = String(kv[1]) }
        }
        let host = try #require(fields["host"])
        let encodedHost = host.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? host
        let uri = "postgresql:///\(fields["dbname"] ?? "postgres")?host=\(encodedHost)&port=\(fields["port"] ?? "5432")&user=\(fields["user"] ?? "postgres")"
        let connection = try Connection(conninfo: uri)
        #expect(try connection.query("select current_database()").scalar(String.self) == fields["dbname"])
    }

    @Test func aBadConninfoIsAConnectionError() {
        let error = try? #require(throws: PQError.self) { try Connection(conninfo: "host=/nonexistent-socket-dir port=1") }
        #expect(error?.kind == .connection)
        #expect(error?.isConnectionFailure == true)
    }
}
