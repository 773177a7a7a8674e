import Foundation
import PQ
import TestSupport
import Testing

/// A marina's language and time zone, and a client's own language, from the shell:
/// `admin set-port-locale`, `admin invite --locale`, the import's locale column, and what
/// `admin status` shows of them.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh"), .enabled(if: TestEnvironment.hasBinary, "needs the built portal-auth: swift build, or run scripts/test.sh")) struct PortLocaleCLITests {
    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    @Test func anOperatorSetsAPortsLanguageAndZoneAndSeesThemInStatus() throws {
        let port = try AdminCLITests.admin(["create-port", "Marina Kaštela"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let set = try AdminCLITests.admin(["set-port-locale", "--port", port, "--locale", "HR", "--time-zone", "Europe/Zagreb", "--json"])
        #expect(set.status == 0, "\(set.stderr)")
        let answer = try Self.object(set.stdout)
        #expect(answer["locale"] as? String == "hr", "stored normalised")
        #expect(answer["timeZone"] as? String == "Europe/Zagreb")
        #expect(try AdminCLITests.admin(["set-port-locale", "--port", port, "--locale", "hr", "--time-zone", "Europe/Zagreb"]).stdout
            .contains("timeZone  Europe/Zagreb"), "the table shows the port")

        let client = try AdminCLITests.admin(["create-client", port, "Jadran d.o.o."]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let email = "kapetan-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        let invite = try AdminCLITests.admin(["invite", client, email, "--locale", "el", "--json"])
        #expect(invite.status == 0, "\(invite.stderr)")
        let status = try Self.object(invite.stdout)
        #expect(status["locale"] as? String == "el", "the client's own language")
        #expect(status["portLocale"] as? String == "hr")
        #expect(status["portTimeZone"] as? String == "Europe/Zagreb")
        let table = try AdminCLITests.admin(["status", client]).stdout
        #expect(table.contains("portLocale") && table.contains("portTimeZone") && table.contains("Europe/Zagreb"), "\(table)")

        let cleared = try Self.object(try AdminCLITests.admin(["set-port-locale", "--port", port, "--json"]).stdout)
        #expect(cleared["locale"] is NSNull && cleared["timeZone"] is NSNull, "omitted clears, as set-port-contact")
    }

    @Test func refusalsSayWhatATagAndAZoneAre() throws {
        let port = try AdminCLITests.admin(["create-port", "Refusing Port"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let underscore = try AdminCLITests.admin(["set-port-locale", "--port", port, "--locale", "de_AT"])
        #expect(underscore.status == 64, "a malformed tag is a usage error")
        #expect(underscore.stderr.contains("BCP 47"), "\(underscore.stderr)")
        let zone = try AdminCLITests.admin(["set-port-locale", "--port", port, "--locale", "de", "--time-zone", "Mars/Olympus_Mons"])
        #expect(zone.status == 1, "an unknown zone is refused by the database")
        #expect(zone.stderr.contains("IANA") && zone.stderr.contains("Europe/Berlin"), "the message and its hint: \(zone.stderr)")
        let missing = try AdminCLITests.admin(["set-port-locale", "--port", "no-such-port", "--locale", "de", "--json"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains(#""code":"port_not_found""#), "\(missing.stderr)")
        let invite = try AdminCLITests.admin(["invite", "any-client", "x@example.com", "--locale", "greek"])
        #expect(invite.status == 64, "invite --locale is checked by the same rule")
    }

    @Test func theImportTakesALocaleColumn() throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("import-locale-\(tag)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "id,name\nlp-\(tag),Locale Port\n".write(to: directory.appendingPathComponent("ports.csv"), atomically: true, encoding: .utf8)
        try "id,port_id,name\nlc1-\(tag),lp-\(tag),One\nlc2-\(tag),lp-\(tag),Two\n"
            .write(to: directory.appendingPathComponent("clients.csv"), atomically: true, encoding: .utf8)
        try """
            id,port_id,client_id,email,locale
            lu1-\(tag),lp-\(tag),lc1-\(tag),one-\(tag)@example.com,sl
            lu2-\(tag),lp-\(tag),lc2-\(tag),two-\(tag)@example.com,

            """.write(to: directory.appendingPathComponent("portal_users.csv"), atomically: true, encoding: .utf8)
        let run = try AdminCLITests.admin([
            "import", "--ports", directory.appendingPathComponent("ports.csv").path,
            "--clients", directory.appendingPathComponent("clients.csv").path,
            "--portal-users", directory.appendingPathComponent("portal_users.csv").path,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let db = try Connection(conninfo: try TestEnvironment.databaseURL())
        #expect(try db.query("select locale from portal.portal_users where id = $1", ["lu1-\(tag)"]).scalar() == "sl")
        #expect(try db.query("select locale from portal.portal_users where id = $1", ["lu2-\(tag)"]).scalar(String.self) == nil,
                "an empty cell: the port's language")
        try "id,port_id,client_id,email,locale\nlu3-\(tag),lp-\(tag),lc1-\(tag),three-\(tag)@example.com,de_AT\n"
            .write(to: directory.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let bad = try AdminCLITests.admin(["import", "--portal-users", directory.appendingPathComponent("bad.csv").path])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("line 2") && bad.stderr.contains("BCP 47"), "the file, line and rule: \(bad.stderr)")
    }
}
