import Foundation
import PQ
import PortalCore
import TestSupport
import Testing

@Suite(.serialized, .enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh")) struct MigratorTests {
    static var directory: String {
        TestEnvironment.repositoryRoot + "/sql"
    }

    @Test func aSecondRunIsANoOp() throws {
        let migrator = Migrator(migrations: try Migrator.load(directory: Self.directory))
        let report = try migrator.run(conninfo: try TestEnvironment.databaseURL())
        #expect(report.applied.isEmpty)
        #expect(report.reapplied.isEmpty, "the function files are unchanged: nothing to re-apply")
        #expect(report.alreadyApplied == migrator.migrations.filter { $0.kind == .versioned }.count)
    }

    @Test func aChangedAppliedFileIsRefused() throws {
        var migrations = try Migrator.load(directory: Self.directory)
        let first = migrations[0]
        migrations[0] = Migrator.Migration(
            name: first.name, sql: first.sql + "\n-- edited", checksum: String(repeating: "0", count: 64), kind: .versioned)
        #expect(throws: Migrator.Failure.changedAfterApply(first.name)) {
            try Migrator(migrations: migrations).run(conninfo: try TestEnvironment.databaseURL())
        }
    }

    @Test func badFileNamesAreRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("schema"), withIntermediateDirectories: true)
        try "select 1;".write(to: folder.appendingPathComponent("schema/first.sql"), atomically: true, encoding: .utf8)
        #expect(throws: Migrator.Failure.badFileName("schema/first.sql")) { try Migrator.load(directory: folder.path) }
    }

    /// Two migrators race on an empty database: the advisory lock serialises them, every file
    /// is applied once, and a failing file leaves nothing behind.
    @Test func concurrentRunsApplyEachFileOnceAndFailuresRollBack() async throws {
        let admin = try Connection(conninfo: TestEnvironment.databaseURL())
        let name = "mig_\(UInt32.random(in: 0...UInt32.max))"
        try admin.execute("create database \(name)")
        defer { _ = try? admin.execute("drop database \(name) with (force)") }
        let url = try TestEnvironment.databaseURL() + " dbname=\(name)"
        let migrations = try Migrator.load(directory: Self.directory)
        let reports = try await withThrowingTaskGroup(of: Migrator.Report.self) { group in
            for _ in 0..<2 {
                group.addTask { try Migrator(migrations: migrations).run(conninfo: url) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let versioned = migrations.filter { $0.kind == .versioned }
        let repeatable = migrations.filter { $0.kind == .repeatable }
        #expect(reports.map(\.applied.count).sorted() == [0, versioned.count])
        #expect(reports.map(\.reapplied.count).sorted() == [0, repeatable.count])
        let connection = try Connection(conninfo: url)
        #expect(try connection.query("select count(*) from portal_migrations.applied").scalar(Int.self) == versioned.count)
        #expect(try connection.query("select count(*) from portal_migrations.repeatable").scalar(Int.self) == repeatable.count)

        let broken = versioned + [Migrator.Migration(
            name: "schema/9999_broken.sql", sql: "create table portal.half_done (x int); select 1/0;", checksum: "x")] + repeatable
        #expect(throws: Migrator.Failure.failed(name: "schema/9999_broken.sql", sqlState: "22012")) {
            try Migrator(migrations: broken).run(conninfo: url)
        }
        #expect(try connection.query("select to_regclass('portal.half_done') is null").scalar(Bool.self) == true)
        #expect(try connection.query("select count(*) from portal_migrations.applied").scalar(Int.self) == versioned.count)
    }

    /// A fresh database for one test, migrated from `directory`; dropped afterwards.
    static func withFreshDatabase(_ body: (_ url: String, _ connection: Connection) throws -> Void) throws {
        let admin = try Connection(conninfo: TestEnvironment.databaseURL())
        let name = "mig_\(UInt32.random(in: 0...UInt32.max))"
        try admin.execute("create database \(name)")
        defer { _ = try? admin.execute("drop database \(name) with (force)") }
        let url = try TestEnvironment.databaseURL() + " dbname=\(name)"
        try body(url, try Connection(conninfo: url))
    }

    /// A change to a function is one edit in its file: migrate re-applies the function files
    /// (and only when one changed), and drops a function no file defines any more.
    @Test func aChangedFunctionFileIsReappliedAndARemovedFunctionDropped() throws {
        let tree = FileManager.default.temporaryDirectory.appendingPathComponent("sql-\(UUID().uuidString)")
        try FileManager.default.copyItem(atPath: Self.directory, toPath: tree.path)
        defer { try? FileManager.default.removeItem(at: tree) }
        let probe = tree.appendingPathComponent("api/probe.sql")
        var url = ""
        func writeProbe(_ answer: Int) throws {
            try """
                set local role portal_owner;
                create or replace function portal_api.probe() returns integer
                language sql security definer set search_path = pg_catalog, pg_temp
                as $$ select \(answer) $$;
                revoke all on function portal_api.probe() from public;
                comment on function portal_api.probe() is 'Answers \(answer).';
                """.write(to: probe, atomically: true, encoding: .utf8)
        }
        func migrate() throws -> (Migrator.Report, [Migrator.Migration]) {
            let migrations = try Migrator.load(directory: tree.path)
            return (try Migrator(migrations: migrations).run(conninfo: url), migrations)
        }
        try Self.withFreshDatabase { freshURL, connection in
            url = freshURL
            try writeProbe(1)
            let (built, files) = try migrate()
            #expect(built.reapplied.count == files.filter { $0.kind == .repeatable }.count)
            #expect(built.dropped.isEmpty)
            #expect(try connection.query("select portal_api.probe()").scalar(Int.self) == 1)

            let (unchanged, _) = try migrate()
            #expect(unchanged.applied.isEmpty && unchanged.reapplied.isEmpty && unchanged.dropped.isEmpty)

            try writeProbe(2)
            let (changed, _) = try migrate()
            #expect(changed.reapplied.contains("api/probe.sql"))
            #expect(changed.dropped.isEmpty)
            #expect(try connection.query("select portal_api.probe()").scalar(Int.self) == 2)
            #expect(try connection.query("select obj_description('portal_api.probe()'::regprocedure)").scalar(String.self) == "Answers 2.")
            #expect(try connection.query("select has_function_privilege('portal_gateway', 'portal_api.probe()', 'execute')").scalar(Bool.self) == false)

            try FileManager.default.removeItem(at: probe)
            let (removed, _) = try migrate()
            #expect(removed.dropped == ["portal_api.probe()"])
            #expect(try connection.query("select to_regprocedure('portal_api.probe()') is null").scalar(Bool.self) == true)
            // Everything else is still there: the schema files' rule functions too.
            #expect(try connection.query("select to_regprocedure('portal.is_password_hash(text)') is not null").scalar(Bool.self) == true)
            #expect(try connection.query("select to_regprocedure('portal_api.dispatch_mail(bigint, text, interval, text, bytea, bigint)') is not null")
                .scalar(Bool.self) == true)
        }
    }

    /// A database built by the numbered migrations that preceded the baseline is refused, in one
    /// sentence that says what to do, and nothing is applied to it.
    @Test func aDatabaseOfTheEarlierHistoryIsRefusedSayingWhatToDo() throws {
        try Self.withFreshDatabase { url, connection in
            try connection.execute("""
                create schema portal_migrations;
                create table portal_migrations.applied (name text primary key, sha256 text not null, applied_at timestamptz not null default now());
                insert into portal_migrations.applied (name, sha256) values ('0001_roles_and_schemas.sql', 'x'), ('0018_dba_hints.sql', 'y');
                """)
            let failure = try #require(throws: Migrator.Failure.self) {
                try Migrator(migrations: try Migrator.load(directory: Self.directory)).run(conninfo: url)
            }
            #expect(failure == .earlierHistory("0001_roles_and_schemas.sql"))
            #expect(failure.description.contains("scripts/run.sh --reset"))
            #expect(failure.description.contains("cannot be upgraded in place"))
            #expect(try connection.query("select to_regnamespace('portal') is null").scalar(Bool.self) == true)
        }
    }
}
