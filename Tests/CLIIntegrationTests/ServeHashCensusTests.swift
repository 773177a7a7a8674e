import Foundation
import PQ
import TestSupport
import Testing

/// `portal-auth serve` with a PORTAL_SCRYPT too low for the stored hashes: it says so at start,
/// with the count and the fix, instead of answering every sign-in of those accounts with 401.
/// Each test runs against a database of its own (the census counts every account).
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh"),
       .enabled(if: TestEnvironment.hasBinary, "needs the built portal-auth: swift build, or run scripts/test.sh"))
struct ServeHashCensusTests {
    static let jwtSecret = "census-jwt-secret-0123456789abcdefghijklmnop"
    static let ln17 = "$scrypt$ln=17,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$" + String(repeating: "A", count: 43)
    static let ln10 = "$scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$" + String(repeating: "A", count: 43)

    /// A fresh migrated database holding accounts with these hashes; dropped after `body`.
    static func withDatabase(hashes: [String], _ body: (String) throws -> Void) throws {
        let superuser = try TestEnvironment.databaseURL()
        let name = "portal_census_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try Connection(conninfo: superuser)
        _ = try admin.execute("create database \(name)")
        defer { _ = try? admin.execute("drop database \(name) with (force)") }
        let url = superuser + " dbname=\(name)"
        let migrate = try run(["migrate", "--database-url", url], environment: [:], for: .seconds(60))
        try #require(migrate.status == 0, "migrate: \(migrate.output)")
        let db = try Connection(conninfo: url)
        let port: String = try #require(try db.query("select portal_api.create_port('Census')").scalar())
        for (index, hash) in hashes.enumerated() {
            let client: String = try #require(try db.query("select portal_api.create_client($1, $2)", [port, "C\(index)"]).scalar())
            let user: String = try #require(try db.query("select portal_api.invite($1, $2)", [client, "c\(index)@census.example"]).scalar())
            try db.query("update portal.portal_users set password_hash = $2, activated_at = now(), is_active = true where id = $1",
                         [user, hash])
        }
        try body(url + " user=portal_gateway")
    }

    struct Run {
        let status: Int32?
        let output: String
    }

    /// Runs the binary for at most `duration`: its exit status, or nil if it was still running (then stopped).
    static func run(_ arguments: [String], environment: [String: String], for duration: Duration) throws -> Run {
        let binary = try #require(TestEnvironment.binary)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = environment
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("census-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        defer { try? FileManager.default.removeItem(at: output) }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = ContinuousClock.now + duration
        while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
        var status: Int32?
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        } else {
            status = process.terminationStatus
        }
        try handle.close()
        return Run(status: status, output: (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }

    static func serve(_ url: String, scrypt: String, extra: [String: String] = [:]) throws -> Run {
        try run(["serve"], environment: [
            "DATABASE_URL": url, "PORTAL_JWT_SECRET": jwtSecret, "PORTAL_SCRYPT": scrypt, "HOST": "127.0.0.1", "PORT": "0",
        ].merging(extra) { $1 }, for: .seconds(4))
    }

    @Test func aSettingTwoStepsBelowTheStoredHashesRefusesToStartAndSaysTheFix() throws {
        try Self.withDatabase(hashes: [Self.ln17]) { url in
            let refused = try Self.serve(url, scrypt: "ln=15,r=8,p=1")
            #expect(refused.status != nil && refused.status != 0, "exits instead of serving 401 to everyone: \(refused.output)")
            #expect(refused.output.contains("refuses 1 of 1 stored password hashes (1 at ln=17,r=8,p=1)"), "\(refused.output)")
            #expect(refused.output.contains("set PORTAL_SCRYPT to at least ln=16,r=8,p=1"))

            let oneStep = try Self.serve(url, scrypt: "ln=16,r=8,p=1")
            #expect(oneStep.status == nil, "one step below verifies them: it serves. \(oneStep.output)")
            #expect(!oneStep.output.contains("stored password hashes ("))

            let allowed = try Self.serve(url, scrypt: "ln=15,r=8,p=1", extra: ["PORTAL_SCRYPT_ALLOW_REFUSED": "true"])
            #expect(allowed.status == nil, "told to, it starts: \(allowed.output)")
            #expect(allowed.output.contains("refuses 1 of 1 stored password hashes"), "and says it loudly")
        }
    }

    @Test func aFewRefusedHashesAmongManyAreAWarningNotAnOutage() throws {
        try Self.withDatabase(hashes: [Self.ln17, Self.ln10, Self.ln10, Self.ln10]) { url in
            let run = try Self.serve(url, scrypt: "ln=10,r=8,p=1")
            #expect(run.status == nil, "it serves: \(run.output)")
            #expect(run.output.contains("refuses 1 of 4 stored password hashes (1 at ln=17,r=8,p=1)"), "\(run.output)")
        }
    }
}
