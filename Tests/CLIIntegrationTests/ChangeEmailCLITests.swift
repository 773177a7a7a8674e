import Foundation
import TestSupport
import Testing

/// `portal-auth admin change-email`: an operator fixes an invite's typo, and asks to move an
/// active user, from the shell.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh"), .enabled(if: TestEnvironment.hasBinary, "needs the built portal-auth: swift build, or run scripts/test.sh")) struct ChangeEmailCLITests {
    static func json(_ run: AdminCLITests.Run) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stderr)")
    }

    @Test func anOperatorFixesATypoAndMovesAnActiveUser() throws {
        let portID = try AdminCLITests.admin(["create-port", "Move Port"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let invited = try AdminCLITests.admin(["create-client", portID, "Typo Client"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let tag = UUID().uuidString.prefix(8).lowercased()
        #expect(try AdminCLITests.admin(["invite", invited, "typo-\(tag)@example.con"]).status == 0)

        let fixed = try Self.json(try AdminCLITests.admin(["change-email", invited, "Fixed-\(tag)@Example.com", "--json"]))
        #expect(fixed["email"] as? String == "fixed-\(tag)@example.com")
        #expect((fixed["note"] as? String)?.contains("fresh activation link") == true)

        let taken = try AdminCLITests.admin(["change-email", invited, "fixed-\(tag)@example.com"])
        #expect(taken.status == 0, "the same address again changes nothing")
        #expect(taken.stdout.contains("already this one"))

        let other = try AdminCLITests.admin(["create-client", portID, "Other Client"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try AdminCLITests.admin(["invite", other, "other-\(tag)@example.com"]).status == 0)
        let refused = try AdminCLITests.admin(["change-email", other, "fixed-\(tag)@example.com"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("already used"), "\(refused.stderr)")
    }
}
