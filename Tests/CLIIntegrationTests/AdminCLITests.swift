import Foundation
import TestSupport
import Testing

/// `portal-auth admin …` against the test database, as an operator would run it.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh"), .enabled(if: TestEnvironment.hasBinary, "needs the built portal-auth: swift build, or run scripts/test.sh")) struct AdminCLITests {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func admin(_ arguments: [String]) throws -> Run {
        let binary = try #require(TestEnvironment.binary, "the portal-auth binary is not built")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["admin"] + arguments
        process.environment = ["DATABASE_URL": try TestEnvironment.databaseURL(), "USER": "tester"]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func anOperatorRunsTheLifecycleFromTheShell() throws {
        let port = try Self.admin(["create-port", "Shell Port"])
        #expect(port.status == 0)
        let portID = port.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let client = try Self.admin(["create-client", portID, "Shell Client"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let email = "shell-\(UUID().uuidString.prefix(8).lowercased())@example.com"

        let invite = try Self.admin(["invite", client, email, "--name", "Shell User", "--json"])
        #expect(invite.status == 0)
        let status = try #require(try JSONSerialization.jsonObject(with: Data(invite.stdout.utf8)) as? [String: Any])
        #expect(status["state"] as? String == "invited")
        #expect(status["email"] as? String == email)

        let table = try Self.admin(["status", client])
        #expect(table.stdout.contains("state"))
        #expect(table.stdout.contains("invited"))
        #expect(try Self.admin(["disable", client, "--json"]).stdout.contains("\"disabled\""))
        #expect(try Self.admin(["enable", client]).status == 0)

        let key = try Self.admin(["create-key", portID, "shell key", "--json"])
        let raw = try #require((try JSONSerialization.jsonObject(with: Data(key.stdout.utf8)) as? [String: Any])?["key"] as? String)
        #expect(raw.hasPrefix("pak_"))
        let keys = try Self.admin(["list-keys", portID])
        #expect(keys.stdout.contains("shell key"))
        #expect(!keys.stdout.contains(raw), "keys are never listed")

        let audit = try Self.admin(["audit", "--client", client, "--limit", "10"])
        #expect(audit.stdout.contains("invite"))
        #expect(audit.stdout.contains("cli:tester"), "the operator is recorded as on behalf of")
        #expect(audit.stdout.contains("on_behalf_of"), "next to the database role, the actor")
    }

    @Test func refusalsHaveClearMessagesAndExitCodes() throws {
        let missing = try Self.admin(["invite", "no-such-client", "x@example.com"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("client not found"), "a sentence, not a code")
        let badEmail = try Self.admin(["create-client", "no-such-port", "X", "--json"])
        #expect(badEmail.status == 1)
        #expect(badEmail.stderr.contains(#""code":"port_not_found""#), "--json errors are JSON with the stable code")
        let unknownKey = try Self.admin(["revoke-key", "no-such-key"])
        #expect(unknownKey.status == 1, "an unknown id is a refusal, not an unreachable database")
        #expect(unknownKey.stderr.contains("error: admin key not found") || unknownKey.stderr.contains("no such admin key"),
                "a sentence: \(unknownKey.stderr)")
        let usage = try Self.admin(["status"])
        #expect(usage.status == 64, "usage errors exit 64")
    }
}
