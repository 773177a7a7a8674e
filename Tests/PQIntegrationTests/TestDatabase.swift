import Foundation
import PQ
import Testing

/// The migrated database the test script created. Tests fail, not skip, without it.
enum TestDatabase {
    /// Superuser connection string to the migrated test database (`PORTAL_TEST_DATABASE_URL`).
    static func url() throws -> String {
        try #require(
            ProcessInfo.processInfo.environment["PORTAL_TEST_DATABASE_URL"],
            "PORTAL_TEST_DATABASE_URL is not set: run the tests through scripts/test.sh")
    }

    /// The same database as another role (e.g. portal_gateway).
    static func url(role: String) throws -> String {
        try url() + " user=\(role)"
    }

    static func connect() throws -> Connection {
        try Connection(conninfo: url())
    }

    /// A fresh port + client with an invited portal user; returns (client id, user id, token id).
    static func invitedClient(_ connection: Connection, email: String = "user-\(UUID().uuidString.prefix(8).lowercased())@example.com")
        throws -> (client: String, user: String, token: String)
    {
        let port: String = try #require(try connection.query("select portal_api.create_port($1)", ["Test Port"]).scalar())
        let client: String = try #require(try connection.query("select portal_api.create_client($1, $2)", [port, "Client"]).scalar())
        let user: String = try #require(try connection.query("select portal_api.invite($1, $2)", [client, email]).scalar())
        let token: String = try #require(
            try connection.query(
                "select id from portal.portal_auth_tokens where portal_user_id = $1 and revoked_at is null", [user]
            ).scalar())
        return (client, user, token)
    }
}
