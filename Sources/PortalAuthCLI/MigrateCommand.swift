import ArgumentParser
import Foundation
import Logging
import PortalCore

/// `portal-auth migrate`: applies pending SQL migrations.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Build or upgrade the database: pending sql/schema files once each, the function files when they changed (under an advisory lock).",
        usage: SettingsHelp.usage("migrate"), discussion: SettingsHelp.discussion
    )

    /// The settings' flags, generated from `Migrator.variables` (listed by --help: SettingsHelp).
    @Argument(parsing: .allUnrecognized, help: .hidden) var flags: [String] = []

    /// An unknown flag, or one without its value, is a usage error naming the flag.
    func validate() throws {
        do {
            _ = try ConfigVariable.overrides(flags, for: Migrator.variables)
        } catch let error as ConfigError {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        let overrides: [String: String]
        do {
            overrides = try ConfigVariable.overrides(flags, for: Migrator.variables)
        } catch let error as ConfigError {
            throw ValidationError(error.message)
        }
        LoggingSystem.bootstrapOnce(overrides: overrides)
        let environment = ProcessInfo.processInfo.environment.merging(overrides) { $1 }
        let url: String
        let explicitDirectory: String?
        do {
            try ConfigCheck.logging(environment)
            guard let given = environment["DATABASE_URL"], !given.isEmpty else {
                throw ConfigError("DATABASE_URL is not set (or pass --database-url): e.g. DATABASE_URL=postgres://postgres@localhost:5432/portal")
            }
            url = try EnvironmentReader.databaseURL(given, role: "postgres")
            explicitDirectory = try environment["PORTAL_MIGRATIONS_DIR"].flatMap { $0.isEmpty ? nil : $0 }
                .map { try ConfigCheck.directory("PORTAL_MIGRATIONS_DIR", $0) }
        } catch let error as ConfigError {
            throw CLIFailure(message: "configuration: \(error.message)")
        }
        let directory = Migrator.locateDirectory(explicit: explicitDirectory)
        do {
            let migrator = Migrator(migrations: try Migrator.load(directory: directory))
            let report = try migrator.run(conninfo: url)
            print("schema: \(report.applied.count) applied, \(report.alreadyApplied) already applied")
            for name in report.applied { print("  applied \(name)") }
            print(report.reapplied.isEmpty
                ? "functions: unchanged"
                : "functions: \(report.reapplied.count) files applied, \(report.dropped.count) functions dropped")
            for signature in report.dropped { print("  dropped \(signature)") }
            // Container deployments have no psql: the login roles' passwords come from the
            // environment when given (PORTAL_GATEWAY_DB_PASSWORD, PORTAL_MAILER_DB_PASSWORD).
            try Migrator.setRolePasswords(from: environment, conninfo: url) { role in print("  password set for \(role)") }
        } catch let failure as Migrator.Failure {
            // An unreachable database exits 3, as for every command (ExitStatus); other failures 1.
            throw CLIFailure(message: failure.description, status: ExitStatus(failure))
        }
    }
}
