import Foundation
import PQ
import PortalCore
import TestSupport
import Testing

@Suite(.serialized, .enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh")) struct MigratorTests {
    static var directory: String {
        // Tests run from the package root (swift test), where sql/migrations lives.
        FileManager.default.currentDirectoryPath + "/sql/migrations"
    }

    @Test func aSecondRunIsANoOp() throws {
        let migrator = Migrator(migrations: try Migrator.load(directory: Self.directory))
        let report = try migrator.run(conninfo: try TestEnvironment.databaseURL())
        #expect(report.applied.isEmpty)
        #expect(report.alreadyApplied == migrator.migrations.count)
    }

    @Test func aChangedAppliedFileIsRefused() throws {
        var migrations = try Migrator.load(directory: Self.directory)
        let first = migrations[0]
        migrations[0] = Migrator.Migration(name: first.name, sql: first.sql + "\n-- edited", checksum: String(repeating: "0", count: 64))
        #expect(throws: Migrator.Failure.changedAfterApply(first.name)) {
            try Migrator(migrations: migrations).run(conninfo: try TestEnvironment.databaseURL())
        }
    }

    @Test func badFileNamesAreRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "select 1;".write(to: folder.appendingPathComponent("first.sql"), atomically: true, encoding: .utf8)
        #expect(throws: Migrator.Failure.badFileName("first.sql")) { try Migrator.load(directory: folder.path) }
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
        #expect(reports.map(\.applied.count).sorted() == [0, migrations.count])
        let connection = try Connection(conninfo: url)
        #expect(try connection.query("select count(*) from portal_migrations.applied").scalar(Int.self) == migrations.count)

        let broken = migrations + [Migrator.Migration(
            name: "9999_broken.sql", sql: "create table portal.half_done (x int); select 1/0;", checksum: "x")]
        #expect(throws: Migrator.Failure.failed(name: "9999_broken.sql", sqlState: "22012")) {
            try Migrator(migrations: broken).run(conninfo: url)
        }
        #expect(try connection.query("select to_regclass('portal.half_done') is null").scalar(Bool.self) == true)
        #expect(try connection.query("select count(*) from portal_migrations.applied").scalar(Int.self) == migrations.count)
    }
}
