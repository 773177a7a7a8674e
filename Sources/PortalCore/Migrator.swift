import Foundation
import Logging
import PQ
import PortalCrypto

/// Applies `sql/migrations/NNNN_name.sql` in order, once each.
///
/// Each file runs in its own transaction together with its record (name + SHA-256) in
/// `portal_migrations.applied`, so a failed file leaves nothing behind. A session advisory lock
/// serialises concurrent runs (two deploys at once both succeed; the second finds nothing to do).
/// An applied file whose text changed, or an applied file this build does not know, stops the
/// run before anything is applied: migrations are immutable once released.
public struct Migrator: Sendable {
    /// One migration file.
    public struct Migration: Sendable, Equatable {
        public let name: String
        public let sql: String
        public let checksum: String

        public init(name: String, sql: String, checksum: String) {
            self.name = name
            self.sql = sql
            self.checksum = checksum
        }
    }

    /// What a run did.
    public struct Report: Sendable, Equatable {
        public var applied: [String] = []
        public var alreadyApplied = 0
    }

    /// Why a run refused to apply anything, or stopped: each says what to do in words fit for
    /// the terminal (`portal-auth migrate` prints the description, exit 1).
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case noMigrations(directory: String)
        case badFileName(String)
        case changedAfterApply(String)
        case unknownApplied(String)
        case failed(name: String, sqlState: String?)
        /// The connection could not be opened: libpq's reason (host, socket, authentication
        /// method), which operators need and which holds no secret.
        case cannotConnect(reason: String)
        /// The role lacks a privilege migrate needs (it creates roles, schemas and functions, and
        /// sets the login roles' passwords), outside a migration file (that is `failed`).
        case permissionDenied(message: String)
        /// Any other database failure outside a migration file, in the database layer's generic
        /// words (the SQLSTATE, no server text).
        case database(String)

        public var description: String {
            switch self {
            case .noMigrations(let directory): return "no migrations found in \(directory)"
            case .badFileName(let name): return "migration file name \(name) does not match NNNN_name.sql"
            case .changedAfterApply(let name): return "migration \(name) was changed after it was applied; refusing to continue"
            case .unknownApplied(let name): return "the database has migration \(name) applied, which this build does not have"
            case .failed(let name, let sqlState):
                return "migration \(name) failed" + (sqlState.map { " (SQLSTATE \($0))" } ?? "")
                    + (sqlState == SQLState.insufficientPrivilege ? ": permission denied. Run migrate as the database owner or a superuser (it creates roles and schemas)." : "")
            case .cannotConnect(let reason): return "cannot connect to the database: \(reason)"
            case .permissionDenied(let message):
                return "migrate: \(message). Run it as the database owner or a superuser: it creates roles, schemas and functions."
            case .database(let description): return description
            }
        }

        /// What a database failure outside a migration file means to the operator.
        init(_ error: PQError) {
            if error.sqlState == SQLState.insufficientPrivilege {
                self = .permissionDenied(message: error.message)
            } else if error.kind == .connection {
                self = .cannotConnect(reason: error.message)
            } else {
                self = .database(error.description)
            }
        }
    }

    /// Every environment variable `portal-auth migrate` reads (`portal-auth env migrate` prints them).
    public static let variables: [ConfigVariable] = [
        ConfigVariable("DATABASE_URL", required: true, secret: true, "libpq URI or conninfo of the owner or a superuser"),
        ConfigVariable("PGPASSWORD", secret: true, environmentOnly: true, "the role's password, read by libpq: keeps it out of DATABASE_URL"),
        ConfigVariable("PORTAL_MIGRATIONS_DIR", default: "the migrations next to the binary, or ./sql/migrations", flag: "dir",
                       "migrations folder"),
        ConfigVariable("PORTAL_GATEWAY_DB_PASSWORD", secret: true, "sets portal_gateway's password (as a SCRAM verifier)"),
        ConfigVariable("PORTAL_MAILER_DB_PASSWORD", secret: true, "sets portal_mailer's password (as a SCRAM verifier)"),
    ] + ConfigVariable.logging

    /// The login roles whose password migrate sets, each from its variable (in `variables`).
    static let rolePasswordVariables: [(role: String, variable: String)] = [
        ("portal_gateway", "PORTAL_GATEWAY_DB_PASSWORD"), ("portal_mailer", "PORTAL_MAILER_DB_PASSWORD"),
    ]

    /// Arbitrary but fixed: the advisory lock key of `portal-auth migrate`.
    static let lockKey: Int64 = 0x706F_7274_616C_6D67

    public let migrations: [Migration]
    public let logger: Logger

    public init(migrations: [Migration], logger: Logger = Logger(label: "portal-auth.migrate")) {
        self.migrations = migrations.sorted { $0.name < $1.name }
        self.logger = logger
    }

    /// Loads every `*.sql` file of `directory`.
    public static func load(directory: String) throws -> [Migration] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let files = names.filter { $0.hasSuffix(".sql") }.sorted()
        guard !files.isEmpty else { throw Failure.noMigrations(directory: directory) }
        return try files.map { name in
            guard name.range(of: #"^[0-9]{4}_[a-z0-9_]+\.sql$"#, options: .regularExpression) != nil else {
                throw Failure.badFileName(name)
            }
            let data = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(name))
            let sql = String(decoding: data, as: UTF8.self)
            return Migration(name: name, sql: sql, checksum: Digest.sha256(Array(data)).hex)
        }
    }

    /// The migrations folder: `explicit` (`--dir`, `PORTAL_MIGRATIONS_DIR`), else the ones in the
    /// binary's resource bundle, else `./sql/migrations`, else the ones installed next to the
    /// binary (`<prefix>/share/portal-auth/migrations`).
    public static func locateDirectory(explicit: String?) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        // The migrations this binary was built with travel in its resource bundle, so migrate
        // works from any directory (and never applies another checkout's SQL by accident).
        if let bundled = Bundle.module.url(forResource: "SQL", withExtension: nil),
           FileManager.default.fileExists(atPath: bundled.appendingPathComponent("0001_roles_and_schemas.sql").path)
        {
            return bundled.path
        }
        let local = FileManager.default.currentDirectoryPath + "/sql/migrations"
        if FileManager.default.fileExists(atPath: local) { return local }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let installed = executable.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/portal-auth/migrations").path
        return installed
    }

    /// Applies what is pending. Blocking: run it off any event loop. Every failure is a `Failure`.
    public func run(conninfo: String) throws -> Report {
        do {
            return try applyPending(conninfo: conninfo)
        } catch let error as PQError {
            throw Failure(error)
        }
    }

    /// Sets the passwords of the login roles whose variable `environment` holds (unset or empty:
    /// that role is left alone), calling `didSet` after each. Container deployments have no psql,
    /// so migrate does it. Only the SCRAM verifier, never the password, goes over the wire (and
    /// into any server log). Blocking; every failure is a `Failure`.
    public static func setRolePasswords(
        from environment: [String: String], conninfo: String, didSet: (_ role: String) -> Void
    ) throws {
        let passwords = rolePasswordVariables.compactMap { pair in
            environment[pair.variable].flatMap { $0.isEmpty ? nil : (role: pair.role, password: $0) }
        }
        guard !passwords.isEmpty else { return }
        do {
            let connection = try Connection(conninfo: conninfo, applicationName: "portal-auth-migrate")
            for (role, password) in passwords {
                let verifier = try connection.scramVerifier(password: password, role: role)
                try connection.execute(
                    "alter role \(try connection.quoteIdentifier(role)) password \(try connection.quoteLiteral(verifier))")
                didSet(role)
            }
        } catch let error as PQError {
            throw Failure(error)
        }
    }

    private func applyPending(conninfo: String) throws -> Report {
        let connection = try Connection(conninfo: conninfo, applicationName: "portal-auth-migrate")
        try connection.query("select pg_advisory_lock($1)", [Self.lockKey])
        defer { _ = try? connection.query("select pg_advisory_unlock($1)", [Self.lockKey]) }
        try connection.execute("""
            set client_min_messages = warning;
            create schema if not exists portal_migrations;
            create table if not exists portal_migrations.applied (
                name text primary key,
                sha256 text not null,
                applied_at timestamptz not null default now());
            revoke all on schema portal_migrations from public;
            """)
        let rows = try connection.query("select name, sha256 from portal_migrations.applied order by name")
        var applied: [String: String] = [:]
        for row in rows {
            applied[try row.require("name")] = try row.require("sha256", as: String.self)
        }
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.name, $0) })
        for (name, checksum) in applied.sorted(by: { $0.key < $1.key }) {
            guard let migration = known[name] else { throw Failure.unknownApplied(name) }
            guard migration.checksum == checksum else { throw Failure.changedAfterApply(name) }
        }
        var report = Report()
        report.alreadyApplied = applied.count
        for migration in migrations where applied[migration.name] == nil {
            logger.info("applying migration", metadata: ["name": "\(migration.name)"])
            do {
                try connection.withTransaction { connection in
                    try connection.execute(migration.sql)
                    // Files switch to the owner role (`set local role portal_owner`); record as ourselves.
                    try connection.execute("reset role")
                    try connection.query(
                        "insert into portal_migrations.applied (name, sha256) values ($1, $2)",
                        [migration.name, migration.checksum])
                }
            } catch let error as PQError {
                logger.error("migration failed", metadata: ["name": "\(migration.name)", "error": "\(String(reflecting: error))"])
                throw Failure.failed(name: migration.name, sqlState: error.sqlState)
            }
            report.applied.append(migration.name)
        }
        return report
    }
}
