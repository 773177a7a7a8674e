import PortalCore
import Testing

/// What `portal-auth migrate` prints when the database is not there or refuses it: every failure
/// is a `Migrator.Failure` in the CLI's words. No database: the one used is unreachable.
@Suite struct MigratorFailureTests {
    static let unreachable = "host=/nonexistent-socket-dir port=1"

    @Test func anUnreachableDatabaseIsAFailureWithLibpqsReason() throws {
        let failure = try #require(throws: Migrator.Failure.self) { try Migrator(migrations: []).run(conninfo: Self.unreachable) }
        guard case .cannotConnect = failure else {
            Issue.record("expected cannotConnect, got \(failure)")
            return
        }
        #expect(failure.description.hasPrefix("cannot connect to the database: "))
        #expect(failure.description.count > "cannot connect to the database: ".count, "libpq's reason follows")
    }

    @Test func rolePasswordsAreSetOnlyWhenGiven() throws {
        // Nothing given (or empty): no connection is even opened.
        try Migrator.setRolePasswords(from: ["PORTAL_GATEWAY_DB_PASSWORD": ""], conninfo: Self.unreachable) { role in
            Issue.record("no password was given, yet \(role)'s was set")
        }
        let failure = try #require(throws: Migrator.Failure.self) {
            try Migrator.setRolePasswords(from: ["PORTAL_MAILER_DB_PASSWORD": "secret"], conninfo: Self.unreachable) { _ in }
        }
        guard case .cannotConnect = failure else {
            Issue.record("expected cannotConnect, got \(failure)")
            return
        }
    }

    @Test func refusalsSayWhatToDo() {
        #expect(Migrator.Failure.permissionDenied(message: "permission denied to create role").description
            == "migrate: permission denied to create role. Run it as the database owner or a superuser: it creates roles, schemas and functions.")
        #expect(Migrator.Failure.database("database error (SQLSTATE 53100)").description == "database error (SQLSTATE 53100)")
    }
}
