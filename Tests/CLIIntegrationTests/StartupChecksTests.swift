import Foundation
import PQ
import TestSupport
import Testing

/// The real binary at start: a value it cannot use stops it with exit 1 and a sentence naming
/// the variable; a role without the process's grants is named, with the grants and the fix.
@Suite(.enabled(if: TestEnvironment.hasBinary, "needs the built portal-auth: swift build, or run scripts/test.sh"))
struct StartupChecksTests {
    static let jwtSecret = "startup-jwt-secret-0123456789abcdefghijklmnop"
    static let tokenKey = "startup-token-key-0123456789abcdefghijklmnopq"

    struct Run {
        let status: Int32?
        let output: String
    }

    /// Runs the binary until it exits or `until` finds what it waits for in its output (or
    /// `duration` passes); `during` runs while it is up. Stopped if still running.
    static func run(_ arguments: [String], environment: [String: String], for duration: Duration = .seconds(10),
                    during: ((String) -> Void)? = nil, until: ((String) -> Bool)? = nil) throws -> Run {
        let binary = try #require(TestEnvironment.binary)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = environment
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("startup-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        defer { try? FileManager.default.removeItem(at: output) }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = ContinuousClock.now + duration
        func text() -> String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }
        while process.isRunning && ContinuousClock.now < deadline {
            if let until, until(text()) { break }
            usleep(50_000)
        }
        if process.isRunning, let during { during(text()) }
        var status: Int32?
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        } else {
            status = process.terminationStatus
        }
        try handle.close()
        return Run(status: status, output: text())
    }

    static var gateway: [String: String] {
        ["DATABASE_URL": "host=/nonexistent dbname=portal user=portal_gateway", "PORTAL_JWT_SECRET": jwtSecret,
         "HOST": "127.0.0.1", "PORT": "0"]
    }
    static var mailer: [String: String] {
        ["DATABASE_URL": "host=/nonexistent dbname=portal user=portal_mailer", "PORTAL_TOKEN_KEY": tokenKey,
         "MAIL_DIR": FileManager.default.temporaryDirectory.path]
    }

    @Test(arguments: [
        ("serve", "DATABASE_URL", "host=db.example.com password=hunter2hunter2 sslmode=maybe",
         #"configuration: DATABASE_URL is not a connection string libpq accepts (invalid sslmode value: "maybe")"#),
        ("serve", "PORTAL_TRUST_FORWARDED_FOR", "maybe",
         #"configuration: PORTAL_TRUST_FORWARDED_FOR must be true or false (also 1/0 or yes/no), not "maybe""#),
        ("serve", "PORTAL_SCRYPT", "ln=30", "configuration: PORTAL_SCRYPT: ln=30 is out of range (ln 10–22"),
        ("serve", "PORTAL_JWT_SECRET", "hunter2-short", "configuration: PORTAL_JWT_SECRET must be at least 32 bytes"),
        ("serve", "LOG_LEVEL", "loud", "configuration: LOG_LEVEL must be trace, debug, info"),
        ("mailer", "DATABASE_URL", "postgres://portal_mailer:hunter2hunter2@db/portal?sslmode=maybe",
         #"configuration: DATABASE_URL is not a connection string libpq accepts (invalid sslmode value: "maybe")"#),
        ("mailer", "MAIL_TEMPLATES_DIR", "/nonexistent/templates",
         "configuration: MAIL_TEMPLATES_DIR: /nonexistent/templates does not exist"),
        ("migrate", "DATABASE_URL", "host=/tmp sslmode=maybe",
         #"configuration: DATABASE_URL is not a connection string libpq accepts (invalid sslmode value: "maybe")"#),
        ("migrate", "PORTAL_MIGRATIONS_DIR", "/nonexistent/migrations",
         "configuration: PORTAL_MIGRATIONS_DIR: /nonexistent/migrations does not exist"),
    ])
    func aValueTheProcessCannotUseStopsItWithExit1NamingTheVariable(
        command: String, variable: String, value: String, message: String
    ) throws {
        var environment = command == "mailer" ? Self.mailer : Self.gateway
        if command == "migrate" { environment = ["DATABASE_URL": "host=/nonexistent dbname=portal"] }
        environment[variable] = value
        let run = try Self.run([command], environment: environment)
        #expect(run.status == 1, "exits 1 instead of retrying or ignoring it: \(run.output)")
        #expect(run.output.contains(message), "\(run.output)")
        #expect(!run.output.contains("hunter2"), "no password echoed")
    }

    /// A database that is not there exits 3 from every command that exits on it (migrate and
    /// admin alike: `ExitStatus`), so a deploy script retries instead of reporting a refusal.
    @Test(arguments: [["migrate"], ["admin", "status", "c-1"], ["admin", "settings", "--json"]])
    func anUnreachableDatabaseExitsThreeFromEveryCommand(arguments: [String]) throws {
        let run = try Self.run(arguments + ["--database-url", "host=/nonexistent-socket-dir port=1 dbname=portal"], environment: [:])
        #expect(run.status == 3, "\(arguments.joined(separator: " ")): \(run.output)")
        #expect(run.output.contains("/nonexistent-socket-dir"), "libpq's reason names where it looked: \(run.output)")
    }

    /// A server that is not there is not a configuration error: the gateway starts and waits.
    @Test func anUnreachableServerIsRetriedNotRefused() throws {
        let run = try Self.run(["serve"], environment: Self.gateway, for: .seconds(3))
        #expect(run.status == nil, "still running: \(run.output)")
        #expect(run.output.contains("starting without the database"))
    }

    static func freePort() -> Int { Int.random(in: 20_000...29_999) }

    /// The gateway with the mailer's role: it reaches the database, names the role and the grants
    /// it lacks in one line, and `/readyz` answers 503 (it keeps running: a GRANT fixes it).
    @Test(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh"))
    func aGatewayOnTheMailersRoleIsNotReadyAndNamesTheGrant() throws {
        let port = Self.freePort()
        var environment = Self.gateway
        environment["DATABASE_URL"] = try TestEnvironment.databaseURL() + " user=portal_mailer"
        environment["PORT"] = String(port)
        var readyStatus: Int?
        let run = try Self.run(["serve"], environment: environment, for: .seconds(15), during: { _ in
            readyStatus = Self.status(of: "http://127.0.0.1:\(port)/readyz")
        }, until: { $0.contains("gateway starting") && $0.contains("not ready") })
        #expect(run.status == nil, "it keeps running, not ready: \(run.output)")
        #expect(readyStatus == 503, "\(run.output)")
        let lines = run.output.split(separator: "\n").filter {
            $0.contains("role portal_mailer cannot execute") && $0.contains("portal_api.sign_in_lookup(text)")
                && $0.contains("the gateway needs DATABASE_URL with user=portal_gateway (or a role granted portal_gateway)")
        }
        #expect(lines.count >= 1, "one line names role, grant and fix: \(run.output)")
        #expect(!run.output.contains("sqlstate 42501\n"), "never a bare code")
    }

    /// The mailer with the gateway's role: one line names the role, the grants and the fix.
    @Test(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh"))
    func aMailerOnTheGatewaysRoleNamesTheGrant() throws {
        var environment = Self.mailer
        environment["DATABASE_URL"] = try TestEnvironment.databaseURL() + " user=portal_gateway"
        let run = try Self.run(["mailer"], environment: environment, for: .seconds(15), until: {
            $0.contains("role portal_gateway cannot execute") && $0.contains("SQLSTATE 42501")
        })
        #expect(run.output.contains("role portal_gateway cannot execute portal_api.claim_mail("), "\(run.output)")
        #expect(run.output.contains("the mailer needs DATABASE_URL with user=portal_mailer (or a role granted portal_mailer)"))
        #expect(run.output.contains("role portal_gateway was refused a call the mailer makes (permission denied for function claim_mail)"),
                "the refused call itself is that sentence too, not a bare code: \(run.output)")
    }

    /// The HTTP status of a GET (curl, retried while nothing listens yet), or nil when nothing answers.
    static func status(of url: String) -> Int? {
        for _ in 0..<50 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", url]
            let out = Pipe()
            process.standardOutput = out
            guard (try? process.run()) != nil else { return nil }
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            if let code = Int(String(decoding: data, as: UTF8.self)), code != 0 { return code }
            usleep(100_000)
        }
        return nil
    }
}
