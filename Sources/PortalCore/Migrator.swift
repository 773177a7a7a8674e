import Foundation
import Logging
import PQ
import PortalCrypto
import PortalSQL

/// Builds and upgrades the database from the SQL folder this build carries (`sql/`):
///
/// - `schema/NNNN_name.sql`, the **versioned** files: what holds data (roles, schemas, tables,
///   constraints, indexes, and the rule functions constraints use). Each is applied once, in
///   order, in its own transaction with its record (name + SHA-256) in `portal_migrations.applied`;
///   an applied file whose text changed, or an applied file this build does not have, stops the
///   run before anything is applied: released schema files are immutable.
/// - `internal/*.sql` and `api/*.sql`, the **repeatable** files: functions, triggers, grants and
///   comments, one file per concern. When any of them changed (or a schema file was applied), all
///   of them are re-applied in one transaction: first with function bodies unchecked, so a file
///   may call a function of a later one, then again with them checked; then every function of
///   `portal` and `portal_api` that no file defines any more (its catalogue row untouched by this
///   transaction) is dropped. Their checksums are kept in `portal_migrations.repeatable`.
///
/// A session advisory lock serialises concurrent runs (two deploys at once both succeed; the
/// second finds nothing to do).
public struct Migrator: Sendable {
    /// One SQL file, named by its path under the SQL folder (`schema/0001_roles_and_schemas.sql`).
    public struct Migration: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// Applied once (schema/): what holds data.
            case versioned
            /// Re-applied whenever the repeatable files change (internal/, api/): functions, triggers, grants.
            case repeatable
        }

        public let name: String
        public let sql: String
        public let checksum: String
        public let kind: Kind

        public init(name: String, sql: String, checksum: String, kind: Kind = .versioned) {
            self.name = name
            self.sql = sql
            self.checksum = checksum
            self.kind = kind
        }
    }

    /// What a run did.
    public struct Report: Sendable, Equatable {
        /// Versioned files applied by this run, in order.
        public var applied: [String] = []
        public var alreadyApplied = 0
        /// The repeatable files, when this run re-applied them (empty when none had changed).
        public var reapplied: [String] = []
        /// Functions dropped because no file defines them any more (`schema.name(argument types)`).
        public var dropped: [String] = []
    }

    /// Why a run refused to apply anything, or stopped: each says what to do in words fit for
    /// the terminal (`portal-auth migrate` prints the description, exit 1).
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case noMigrations(directory: String)
        case badFileName(String)
        /// The database was built by the numbered migrations that preceded the schema baseline.
        case earlierHistory(String)
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
            case .noMigrations(let directory): return "no SQL files found in \(directory) (expected schema/, internal/ and api/)"
            case .badFileName(let name): return "SQL file name \(name) does not match schema/NNNN_name.sql, internal/name.sql or api/name.sql"
            case .earlierHistory(let name):
                return "this database was built by portal-auth's earlier numbered migrations (it has \(name) applied), which the schema baseline replaced; "
                    + "it cannot be upgraded in place: recreate it and migrate again (for the dev cluster: scripts/run.sh --reset)"
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
        ConfigVariable("PORTAL_MIGRATIONS_DIR", default: "the SQL built into the binary, or ./sql", flag: "dir",
                       "the SQL folder (schema/, internal/, api/)"),
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
        self.migrations = migrations
        self.logger = logger
    }

    /// The folders of the SQL tree and what each holds.
    static let layers: [(folder: String, kind: Migration.Kind)] = [
        ("schema", .versioned), ("internal", .repeatable), ("api", .repeatable),
    ]

    /// Loads the SQL tree under `directory`: `schema/NNNN_name.sql`, then `internal/name.sql`
    /// and `api/name.sql`, each folder in name order (the order they are applied in).
    public static func load(directory: String) throws -> [Migration] {
        var migrations: [Migration] = []
        for (folder, kind) in layers {
            let path = directory + "/" + folder
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".sql") }.sorted()
            for name in names {
                let pattern = kind == .versioned ? #"^[0-9]{4}_[a-z0-9_]+\.sql$"# : #"^[a-z0-9_]+\.sql$"#
                guard name.range(of: pattern, options: .regularExpression) != nil else {
                    throw Failure.badFileName(folder + "/" + name)
                }
                let data = try Data(contentsOf: URL(fileURLWithPath: path).appendingPathComponent(name))
                migrations.append(Migration(
                    name: folder + "/" + name, sql: String(decoding: data, as: UTF8.self),
                    checksum: Digest.sha256(Array(data)).hex, kind: kind))
            }
        }
        guard migrations.contains(where: { $0.kind == .versioned }) else { throw Failure.noMigrations(directory: directory) }
        return migrations
    }

    /// The SQL folder: `explicit` (`--dir`, `PORTAL_MIGRATIONS_DIR`), else the SQL in the binary's
    /// resource bundle, else `./sql`, else the one installed next to the binary
    /// (`<prefix>/share/portal-auth/sql`).
    public static func locateDirectory(explicit: String?) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        // The SQL this binary was built with travels in its resource bundle, so migrate works
        // from any directory (and never applies another checkout's SQL by accident).
        if let bundled = PortalSQL.directory,
           FileManager.default.fileExists(atPath: bundled.appendingPathComponent("schema/0001_roles_and_schemas.sql").path)
        {
            return bundled.path
        }
        let local = FileManager.default.currentDirectoryPath + "/sql"
        if FileManager.default.fileExists(atPath: local + "/schema") { return local }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/portal-auth/sql").path
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
            create table if not exists portal_migrations.repeatable (
                name text primary key,
                sha256 text not null,
                applied_at timestamptz not null default now());
            revoke all on schema portal_migrations from public;
            """)
        let versioned = migrations.filter { $0.kind == .versioned }
        let repeatable = migrations.filter { $0.kind == .repeatable }
        let applied = try checksums(in: "applied", connection)
        let known = Dictionary(uniqueKeysWithValues: versioned.map { ($0.name, $0) })
        for (name, checksum) in applied.sorted(by: { $0.key < $1.key }) {
            guard let migration = known[name] else {
                // The numbered files before the baseline were recorded without a folder.
                throw name.contains("/") ? Failure.unknownApplied(name) : Failure.earlierHistory(name)
            }
            guard migration.checksum == checksum else { throw Failure.changedAfterApply(name) }
        }
        var report = Report()
        report.alreadyApplied = applied.count
        for migration in versioned where applied[migration.name] == nil {
            logger.info("applying schema file", metadata: ["name": "\(migration.name)"])
            try apply(migration.name, connection) { connection in
                try connection.execute(migration.sql)
                // Files switch to the owner role (`set local role portal_owner`); record as ourselves.
                try connection.execute("reset role")
                try connection.query(
                    "insert into portal_migrations.applied (name, sha256) values ($1, $2)", [migration.name, migration.checksum])
            }
            report.applied.append(migration.name)
        }
        let recorded = try checksums(in: "repeatable", connection)
        let current = Dictionary(uniqueKeysWithValues: repeatable.map { ($0.name, $0.checksum) })
        guard !report.applied.isEmpty || recorded != current else { return report }
        logger.info("applying the function files", metadata: ["files": "\(repeatable.count)"])
        var failing = repeatable.first?.name ?? "the function files"
        try apply(failing, connection) { connection in
            // Pass 1 creates every function whatever the order of the files; pass 2 re-creates
            // them with their bodies checked, now that everything they call exists.
            for checkBodies in ["off", "on"] {
                try connection.execute("set local check_function_bodies = \(checkBodies)")
                for migration in repeatable {
                    failing = migration.name
                    try connection.execute(migration.sql)
                    try connection.execute("reset role")
                }
            }
            failing = "dropping functions no file defines"
            report.dropped = try dropUndefinedFunctions(connection)
            try connection.execute("delete from portal_migrations.repeatable")
            for migration in repeatable {
                try connection.query(
                    "insert into portal_migrations.repeatable (name, sha256) values ($1, $2)", [migration.name, migration.checksum])
            }
        } failedAs: { failing }
        report.reapplied = repeatable.map(\.name)
        return report
    }

    /// Name → SHA-256 of the files recorded in `portal_migrations.<table>`.
    private func checksums(in table: String, _ connection: Connection) throws -> [String: String] {
        var checksums: [String: String] = [:]
        for row in try connection.query("select name, sha256 from portal_migrations.\(table) order by name") {
            checksums[try row.require("name")] = try row.require("sha256", as: String.self)
        }
        return checksums
    }

    /// Runs `body` in a transaction; a database failure names the file that failed.
    private func apply(
        _ name: String, _ connection: Connection, _ body: (Connection) throws -> Void,
        failedAs failing: () -> String = { "" }
    ) throws {
        do {
            try connection.withTransaction(body)
        } catch let error as PQError {
            let file = failing().isEmpty ? name : failing()
            logger.error("migration failed", metadata: ["name": "\(file)", "error": "\(String(reflecting: error))"])
            throw Failure.failed(name: file, sqlState: error.sqlState)
        }
    }

    /// Drops the functions of `portal` and `portal_api` that this transaction did not write (a
    /// `create or replace` rewrites a function's catalogue row, so its xmin is ours) and that no
    /// schema file defines (those are the rules constraints use). No cascade: a function something
    /// still depends on stops the run instead of taking that with it.
    private func dropUndefinedFunctions(_ connection: Connection) throws -> [String] {
        let schemaDefined = Set(migrations.filter { $0.kind == .versioned }.flatMap { SQLDefinitions.functionNames(in: $0.sql) })
        let rows = try connection.query("""
            select p.oid::regprocedure::text as signature, n.nspname || '.' || p.proname as name
              from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
             where n.nspname in ('portal', 'portal_api')
               and p.xmin::text::bigint <> pg_catalog.pg_current_xact_id()::text::bigint % 4294967296
             order by 1
            """)
        var dropped: [String] = []
        for row in rows {
            let name: String = try row.require("name")
            guard !schemaDefined.contains(name) else { continue }
            let signature: String = try row.require("signature")
            try connection.execute("set local role portal_owner; drop function \(signature); reset role")
            dropped.append(signature)
        }
        return dropped
    }
}
