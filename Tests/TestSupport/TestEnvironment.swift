import Foundation

/// What the integration tests need from their surroundings, found in one place: the databases
/// and the cluster `scripts/test.sh` starts (it exports their variables), and the built
/// `portal-auth` binary. Unit tests need none of it; integration suites are enabled only when it
/// is there, so a bare `swift test` runs the unit tier and says which suites it skipped and why.
/// (`scripts/test.sh` fails if anything was skipped.)
public enum TestEnvironment {
    /// A non-empty environment variable.
    public static func value(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The migrated database of the PQ and gateway suites (`PORTAL_TEST_DATABASE_URL`).
    public static var hasDatabase: Bool { value("PORTAL_TEST_DATABASE_URL") != nil }

    /// The mailer suites' own database (`PORTAL_TEST_MAIL_DATABASE_URL`).
    public static var hasMailDatabase: Bool { value("PORTAL_TEST_MAIL_DATABASE_URL") != nil }

    /// `pg_ctl` of the test cluster, for the suite that restarts it (`PORTAL_TEST_PG_CTL`).
    public static var canRestartPostgres: Bool { value("PORTAL_TEST_PG_CTL") != nil && hasMailDatabase }

    /// The built `portal-auth` next to the test bundle (`swift build --show-bin-path`), or
    /// `PORTAL_TEST_BINARY`; nil when it has not been built.
    public static let binary: String? = {
        if let explicit = value("PORTAL_TEST_BINARY") { return explicit }
        var folder = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        // The runner is …/debug/<Package>PackageTests.xctest (a file on Linux, a bundle elsewhere).
        for _ in 0..<4 {
            folder = folder.deletingLastPathComponent()
            let candidate = folder.appendingPathComponent("portal-auth").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    public static var hasBinary: Bool { binary != nil }

    /// The superuser conninfo of the migrated test database (`PORTAL_TEST_DATABASE_URL`).
    public static func databaseURL() throws -> String {
        guard let url = value("PORTAL_TEST_DATABASE_URL") else { throw Missing(name: "PORTAL_TEST_DATABASE_URL") }
        return url
    }

    /// A variable `scripts/test.sh` sets is missing.
    public struct Missing: Error, CustomStringConvertible {
        public let name: String
        public var description: String { "\(name) is not set: run the tests through scripts/test.sh" }
    }

    /// The checkout this file is in (for tests that read the sources or the README).
    public static let repositoryRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}
