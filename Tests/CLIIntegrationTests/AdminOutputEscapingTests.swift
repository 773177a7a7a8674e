import Foundation
import TestSupport
import Testing

/// `portal-auth admin` prints what others typed (names, emails, labels, audit details): an invite
/// name carrying ESC sequences, CR/LF or a bidi override reaches the operator's terminal escaped
/// in tables and plain output, and exactly (as JSON escapes) in `--json`.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh"), .enabled(if: TestEnvironment.hasBinary, "needs the built portal-auth: swift build, or run scripts/test.sh")) struct AdminOutputEscapingTests {
    /// Sets the terminal's title, clears the screen, forges a line, reverses the rest.
    static let hostileName = "Eve\u{1B}]0;owned\u{07}\u{1B}[2J\r\nstate        active\u{202E}gnp.exe\u{9B}31m"

    static func rawControls(_ text: String) -> [String] {
        text.unicodeScalars.filter { scalar in
            (scalar.value < 0x20 && scalar != "\n") || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{202E}"
        }.map { String(format: "U+%04X", $0.value) }
    }

    @Test func namesWithControlCharactersAreEscapedOnTheTerminal() throws {
        let port = try AdminCLITests.admin(["create-port", "Escape Port"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let client = try AdminCLITests.admin(["create-client", port, "Escape Client"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let email = "escape-\(UUID().uuidString.prefix(8).lowercased())@example.com"

        let invite = try AdminCLITests.admin(["invite", client, email, "--name", Self.hostileName])
        #expect(invite.status == 0, "\(invite.stderr)")
        for output in [invite.stdout, try AdminCLITests.admin(["status", client]).stdout,
                       try AdminCLITests.admin(["audit", "--client", client]).stdout] {
            #expect(Self.rawControls(output).isEmpty, "raw control characters reached the terminal: \(Self.rawControls(output))")
            #expect(output.contains(#"Eve\u{1B}]0;owned\u{7}\u{1B}[2J\u{D}\u{A}state        active\u{202E}gnp.exe\u{9B}31m"#)
                    || !output.contains("Eve"), "\(output)")
        }
        let status = try AdminCLITests.admin(["status", client]).stdout
        #expect(status.contains(#"Eve\u{1B}]0;owned"#), "\(status)")
        #expect(!status.split(separator: "\n").contains { $0.hasPrefix("state        active") }, "no forged line")

        let json = try AdminCLITests.admin(["status", client, "--json"])
        #expect(Self.rawControls(json.stdout).isEmpty, "raw control characters in --json: \(Self.rawControls(json.stdout))")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "valid JSON")
        #expect(object["name"] as? String == Self.hostileName, "--json keeps the exact value")
    }
}
