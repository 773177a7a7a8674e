import Foundation
import PQ
import TestSupport
import Testing

/// `portal-auth admin send-activations`, `import --send-activations` and `delete-client`, as an
/// operator runs them on cut-over day and when a client asks to be erased.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh"), .enabled(if: TestEnvironment.hasBinary, "needs the built portal-auth: swift build, or run scripts/test.sh")) struct AccountLifeCLITests {
    static func database() throws -> Connection { try Connection(conninfo: try TestEnvironment.databaseURL()) }

    static func queued(_ db: Connection, port: String) throws -> Int {
        try #require(try db.query("""
            select count(*)::int from portal.mail_outbox m join portal.portal_users u on u.id = m.portal_user_id
             where u.port_id = $1 and m.kind = 'activation'
            """, [port]).scalar(Int.self))
    }

    /// Files for an import of one port: two invited users and one active (a Node hash).
    static func files(_ tag: String) throws -> (directory: URL, port: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cut-over-\(tag)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let port = "cut-port-\(tag)"
        try "id,name\n\(port),Cut-over Marina\n".write(to: directory.appendingPathComponent("ports.csv"), atomically: true, encoding: .utf8)
        try "id,port_id,name\nc1-\(tag),\(port),One\nc2-\(tag),\(port),Two\nc3-\(tag),\(port),Three\n"
            .write(to: directory.appendingPathComponent("clients.csv"), atomically: true, encoding: .utf8)
        let hash = "c2FsdHNhbHRzYWx0c2FsdA:" + String(repeating: "A", count: 86)
        try """
            id,port_id,client_id,email,password_hash,name,is_active
            u1-\(tag),\(port),c1-\(tag),one-\(tag)@example.com,,One,true
            u2-\(tag),\(port),c2-\(tag),two-\(tag)@example.com,,Two,true
            u3-\(tag),\(port),c3-\(tag),three-\(tag)@example.com,\(hash),Three,true

            """.write(to: directory.appendingPathComponent("portal_users.csv"), atomically: true, encoding: .utf8)
        return (directory, port)
    }

    @Test func sendActivationsCountsThenMailsEveryInvitedUserOnce() throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let (directory, port) = try Self.files(String(tag))
        let imported = try AdminCLITests.admin([
            "import", "--ports", directory.appendingPathComponent("ports.csv").path,
            "--clients", directory.appendingPathComponent("clients.csv").path,
            "--portal-users", directory.appendingPathComponent("portal_users.csv").path,
        ])
        #expect(imported.status == 0, "\(imported.stderr)")
        let db = try Self.database()
        #expect(try Self.queued(db, port: port) == 0, "the import mails nobody")

        let dry = try AdminCLITests.admin(["send-activations", "--port", port, "--dry-run"])
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("2 invited without a password"), "\(dry.stdout)")
        #expect(dry.stdout.contains("a real run would queue 2 activation mails"), "\(dry.stdout)")
        #expect(try Self.queued(db, port: port) == 0, "a dry run queues nothing")

        let run = try AdminCLITests.admin(["send-activations", "--port", port, "--json"])
        #expect(run.status == 0)
        let counts = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(counts["queued"] as? Int == 2)
        #expect(counts["invited"] as? Int == 2)
        #expect(try Self.queued(db, port: port) == 2, "one activation mail per invited user")

        let again = try AdminCLITests.admin(["send-activations", "--port", port])
        #expect(again.stdout.contains("2 with a live link (left alone); 0 activation mails queued"), "\(again.stdout)")
        #expect(try Self.queued(db, port: port) == 2, "a second run mails nobody twice")

        let unknown = try AdminCLITests.admin(["send-activations", "--port", "no-such-port-\(tag)"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("port not found"))
    }

    @Test func importWithSendActivationsMailsTheImportedInvitedUsers() throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let (directory, port) = try Self.files(String(tag))
        let arguments = [
            "import", "--ports", directory.appendingPathComponent("ports.csv").path,
            "--clients", directory.appendingPathComponent("clients.csv").path,
            "--portal-users", directory.appendingPathComponent("portal_users.csv").path, "--send-activations",
        ]
        let run = try AdminCLITests.admin(arguments)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("port \(port): 2 invited without a password"), "\(run.stdout)")
        let db = try Self.database()
        #expect(try Self.queued(db, port: port) == 2)
        let rerun = try AdminCLITests.admin(arguments)
        #expect(rerun.status == 0)
        #expect(try Self.queued(db, port: port) == 2, "running the import again mails nobody twice")
        let usage = try AdminCLITests.admin(["import", "--ports", directory.appendingPathComponent("ports.csv").path, "--send-activations"])
        #expect(usage.status == 64, "--send-activations needs the portal-user file")
    }

    @Test func deleteClientErasesAndIsRefusedWhileAMailIsBeingSent() throws {
        let db = try Self.database()
        let port: String = try #require(try db.query("select portal_api.create_port('Delete CLI Port')").scalar())
        let client: String = try #require(try db.query("select portal_api.create_client($1, 'Delete Me')", [port]).scalar())
        let email = "cli-delete-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        try db.query("select portal_api.invite($1, $2)", [client, email])
        try db.query("""
            update portal.mail_outbox set status = 'sending', locked_by = 'cli-test-mailer', locked_until = now() + interval '1 minute'
             where recipient = $1
            """, [email])

        let refused = try AdminCLITests.admin(["delete-client", client])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("being sent right now"), "\(refused.stderr)")
        #expect(refused.stderr.contains("Try again in"), "the hint says how long: \(refused.stderr)")
        try db.query("select portal_api.release_mail(id, 'cli-test-mailer') from portal.mail_outbox where recipient = $1", [email])

        let deleted = try AdminCLITests.admin(["delete-client", client, "--json"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stdout.contains(client))
        #expect(try db.query("select count(*)::int from portal.portal_users where email = $1", [email]).scalar(Int.self) == 0)
        #expect(try db.query("select count(*)::int from portal.auth_events where email = $1", [email]).scalar(Int.self) == 0,
                "no audit row keeps the address")
        let audit: String? = try db.query(
            "select on_behalf_of from portal.auth_events where event = 'client_deleted' and client_id = $1", [client]).scalar()
        #expect(audit == "cli:tester")
        let again = try AdminCLITests.admin(["delete-client", client])
        #expect(again.status == 1)
        #expect(again.stderr.contains("client not found"))
    }
}
