import Foundation
import TestSupport
import Testing

/// `portal-auth` reads like its peers: settings listed as options with their variable and
/// default, `--version`, usage errors that name the flag or the argument and the command's usage,
/// and a line in the log when the gateway stops.
@Suite(.enabled(if: TestEnvironment.hasBinary, "needs the built portal-auth: swift build, or run scripts/test.sh"))
struct CommandLineTests {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs the binary to its end (at most 30 s) with `environment` only.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let binary = try #require(TestEnvironment.binary)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = environment
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

    /// The OPTIONS section of a help text, its white space collapsed (rows wrap at 80 columns).
    static func options(_ help: String) -> String {
        let section = help.components(separatedBy: "\nOPTIONS:\n").dropFirst().first ?? ""
        return section.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    @Test(arguments: ["serve", "mailer", "migrate"])
    func everySettingIsAnOptionWithItsVariableAndDefault(command: String) throws {
        let help = try Self.run([command, "--help"])
        #expect(help.status == 0)
        let options = Self.options(help.stdout)
        let variables = try Self.run(["env", command]).stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first }
        #expect(variables.count >= 5, "env \(command) lists the variables")
        for name in variables where name != "PGPASSWORD" {
            #expect(options.contains("<\(name)>"), "\(command) --help lists \(name) under OPTIONS:\n\(help.stdout)")
        }
        #expect(options.contains("--log-level <LOG_LEVEL> trace, debug, info, notice, warning, error or critical (default: info)"),
                "a row: the flag, its variable, what it means and its default")
        #expect(options.hasSuffix("-h, --help Show help information."), "--help stays the last option")
        #expect(help.stdout.contains("USAGE: portal-auth \(command) [--<setting> <value> ...]"))
        #expect(try Self.run(["help", command]).stdout == help.stdout, "`portal-auth help \(command)` says the same")
    }

    @Test func theGatewaysOptionsShowRequiredAndSecretSettings() throws {
        let options = Self.options(try Self.run(["serve", "--help"]).stdout)
        #expect(options.contains("--db-pool <PORTAL_DB_POOL> database connections (default: 10)"))
        #expect(options.contains("--jwt-secret <PORTAL_JWT_SECRET> signs session cookies; at least 32 bytes (required); "
                                 + "a secret: prefer the environment variable (flags show in ps)"))
    }

    @Test func versionPrintsTheReleaseOfTheHTTPContract() throws {
        let version = try Self.run(["--version"])
        #expect(version.status == 0)
        let openAPI = try String(contentsOfFile: TestEnvironment.repositoryRoot + "/openapi.yaml", encoding: .utf8)
        let contract = try #require(openAPI.firstMatch(of: /\n  version: ([^\s]+)\n/)?.output.1)
        #expect(version.stdout == "\(contract)\n")
    }

    @Test(arguments: ["serve", "mailer", "migrate"])
    func anUnknownFlagIsNamedWithTheCommandsUsage(command: String) throws {
        let run = try Self.run([command, "--no-such-flag", "1"])
        #expect(run.status == 64, "a usage error")
        #expect(run.stderr.contains("unknown option --no-such-flag"), "\(run.stderr)")
        #expect(run.stderr.contains("Usage: portal-auth \(command) [--<setting> <value> ...]"), "\(run.stderr)")
        let missingValue = try Self.run([command, "--log-level"])
        #expect(missingValue.status == 64)
        #expect(missingValue.stderr.contains("--log-level needs a value"), "\(missingValue.stderr)")
    }

    @Test func anInviteWithoutAnEmailNamesTheMissingArgumentAndWhatItIs() throws {
        let run = try Self.run(["admin", "invite", "c-1"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("Missing expected argument '<email>'"), "\(run.stderr)")
        #expect(run.stderr.contains("The address the activation mail goes to"), "\(run.stderr)")
    }

    /// SIGTERM drains the gateway, which says so: an operator sees a stop, not a silence.
    @Test(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh"))
    func theGatewayLogsThatItStopped() throws {
        let binary = try #require(TestEnvironment.binary)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve"]
        process.environment = [
            "DATABASE_URL": try TestEnvironment.databaseURL() + " user=portal_gateway",
            "PORTAL_JWT_SECRET": "stop-test-jwt-secret-0123456789abcdefghijkl", "HOST": "127.0.0.1", "PORT": "0",
        ]
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("stop-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        func output() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        let started = ContinuousClock.now
        while process.isRunning && !output().contains("Server started") && ContinuousClock.now - started < .seconds(30) {
            usleep(50_000)
        }
        #expect(process.isRunning, "the gateway serves: \(output())")
        process.terminate()
        process.waitUntilExit()
        try handle.close()
        #expect(process.terminationStatus == 0, "a graceful stop: \(output())")
        #expect(output().contains("gateway stopped"), "\(output())")
    }
}
