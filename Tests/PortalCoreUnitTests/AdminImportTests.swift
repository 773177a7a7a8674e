import Foundation
import PortalCore
import Testing

/// `portal-auth admin import` over an in-memory DBA store: files checked before any row is sent,
/// every row checked by dry-run calls in a rolled-back transaction before any is written, writes in
/// batches, a dry run that only checks, refusals that name the file and line. No database (the crm
/// tier imports the same shapes into Postgres; CLIIntegrationTests.ImportLockTests checks the locks).
@Suite struct AdminImportTests {
    /// Records the calls (a dry-run call as "check …"); refuses what it is told to (`refuseWrite`:
    /// only when writing). Rows created in a transaction are kept only when it commits.
    final class FakeStore: ImportOperations {
        var calls: [String] = []
        var existing: Set<String> = []
        var pending: Set<String> = []
        var refuse: [String: AdminRefusal] = [:]
        var refuseWrite: [String: AdminRefusal] = [:]
        /// The commit with this number (1-based) fails, as a dropped connection would.
        var failingCommit: Int?

        func begin() throws(AdminRefusal) {
            calls.append("begin")
            pending = []
        }
        func commit() throws(AdminRefusal) {
            calls.append("commit")
            if calls.filter({ $0 == "commit" }).count == failingCommit {
                throw AdminRefusal(kind: .unreachable, code: "database_unreachable", message: "the database connection was lost")
            }
            existing.formUnion(pending)
            pending = []
        }
        func rollback() {
            calls.append("rollback")
            pending = []
        }

        private func upsert(_ what: String, _ id: String?, dryRun: Bool = false) throws(AdminRefusal) -> String {
            let key = "\(what) \(id ?? "-")"
            if let refusal = refuse[key] { throw refusal }
            if !dryRun, let refusal = refuseWrite[key] { throw refusal }
            calls.append(dryRun ? "check " + key : key)
            return existing.contains(key) || !pending.insert(key).inserted ? "unchanged" : "created"
        }

        func importPort(id: String?, name: String?, actor: String, dryRun: Bool) throws(AdminRefusal) -> String {
            try upsert("port", id, dryRun: dryRun)
        }
        func importClient(id: String?, port: String?, name: String?, billingEmail: String?, actor: String, dryRun: Bool)
            throws(AdminRefusal) -> String
        { try upsert("client", id, dryRun: dryRun) }
        func importPortalUser(
            id: String?, port: String?, client: String?, email: String?, passwordHash: String?, name: String?, isActive: Bool,
            lastLoginAt: String?, createdBy: String?, createdAt: String?, actor: String, locale: String?
        ) throws(AdminRefusal) -> String {
            try upsert(isActive ? "user" : "disabled user", id)
        }
    }

    static func file(_ kind: AdminImport.Kind, _ text: String) -> AdminImport.File {
        AdminImport.File(kind: kind, name: "\(kind.rawValue).csv", data: Data(text.utf8))
    }

    static let files = [
        file(.portalUsers, "id,port_id,client_id,email,is_active\nu1,p1,c1,a@x.example,t\nu2,p1,c2,b@x.example,f\n"),
        file(.ports, "id,name\np1,North Harbour\n"),
        file(.clients, "id,port_id,name\nc1,p1,One\nc2,p1,Two\n"),
    ]

    @Test func portsThenClientsThenUsersCheckedWholeThenWritten() throws {
        let store = FakeStore()
        let report = try AdminImport(files: Self.files, actor: "cli:test").run(on: store, dryRun: false)
        #expect(store.calls == [
            "begin", "check port p1", "check client c1", "check client c2", "user u1", "disabled user u2", "rollback",
            "begin", "port p1", "client c1", "client c2", "user u1", "disabled user u2", "commit",
        ])
        #expect(report.counts.map(\.kind) == [.ports, .clients, .portalUsers])
        #expect(report.counts.map(\.created) == [1, 2, 2])
        let again = try AdminImport(files: Self.files, actor: "cli:test").run(on: store, dryRun: false)
        #expect(again.counts.map(\.unchanged) == [1, 2, 2], "re-runnable")
    }

    @Test func aDryRunDoesEverythingAndRollsBack() throws {
        let store = FakeStore()
        let report = try AdminImport(files: Self.files, actor: "cli:test").run(on: store, dryRun: true)
        #expect(store.calls.first == "begin" && store.calls.last == "rollback")
        #expect(!store.calls.contains("commit"))
        #expect(report.counts.map(\.created) == [1, 2, 2])
        #expect(!store.calls.contains("port p1") && !store.calls.contains("client c1"),
                "ports and clients are only checked (dry-run calls write no existing row)")
        #expect(store.existing.isEmpty)
    }

    @Test func rowsAreWrittenInBatchesAfterTheWholeImportWasChecked() throws {
        let store = FakeStore()
        let rows = (1...1201).map { "c\($0),p1,Client \($0)" }.joined(separator: "\n")
        let clients = Self.file(.clients, "id,port_id,name\n" + rows + "\n")
        let report = try AdminImport(files: [Self.files[1], clients], actor: "cli:test", batchSize: 500).run(on: store, dryRun: false)
        #expect(report.counts.map(\.created) == [1, 1201])
        #expect(store.calls.filter { $0 == "commit" }.count == 3, "1202 rows, 500 per transaction")
        #expect(store.calls.filter { $0 == "begin" }.count == 4, "one check, three batches")
        let firstWrite = try #require(store.calls.firstIndex(of: "port p1"))
        #expect(!store.calls[..<firstWrite].contains { $0.hasPrefix("client ") }, "nothing is written before everything is checked")
        #expect(store.calls.firstIndex(of: "client c1201")! > store.calls.lastIndex(of: "check client c1201")!)
    }

    @Test func aRowRefusedAfterEarlierBatchesSaysWhatWasImported() {
        let store = FakeStore()
        store.refuseWrite["client c4"] = AdminRefusal(kind: .refused(.idTaken), code: "id_taken", message: "this client id is already in use")
        let clients = Self.file(.clients, "id,port_id,name\nc1,p1,A\nc2,p1,B\nc3,p1,C\nc4,p1,D\n")
        #expect(throws: AdminRefusal(kind: .refused(.idTaken), code: "id_taken",
                                     message: "clients.csv line 5: this client id is already in use",
                                     hint: "the 2 rows before it were imported; fix it and run the same import again (what is there is skipped)")) {
            _ = try AdminImport(files: [clients], actor: "cli:test", batchSize: 2).run(on: store, dryRun: false)
        }
        #expect(store.existing == ["client c1", "client c2"], "the committed batch stays")
        #expect(store.calls.last == "rollback")
    }

    @Test func aCommitFailingBetweenBatchesSaysWhatWasImported() {
        let store = FakeStore()
        store.failingCommit = 2
        let clients = Self.file(.clients, "id,port_id,name\nc1,p1,A\nc2,p1,B\nc3,p1,C\nc4,p1,D\nc5,p1,E\n")
        #expect(throws: AdminRefusal(kind: .unreachable, code: "database_unreachable",
                                     message: "the database connection was lost",
                                     hint: "the first 2 rows were imported; run the same import again to finish it (what is there is skipped)")) {
            _ = try AdminImport(files: [clients], actor: "cli:test", batchSize: 2).run(on: store, dryRun: false)
        }
        #expect(store.existing == ["client c1", "client c2"], "the committed batch stays")
    }

    @Test func anIDTwiceInOneFileIsRefusedNamingBothLines() {
        let store = FakeStore()
        let cases: [(AdminImport.File, String)] = [
            (Self.file(.ports, "id,name\np1,A\np2,B\np1,C\n"), "ports.csv: line 4: id p1 appears on line 2 and line 4"),
            (Self.file(.clients, "id,port_id,name\nABC-1,p1,A\nabc-1,p1,B\n"),
             "clients.csv: line 3: id abc-1 appears on line 2 and line 3 (as ABC-1: an id differing only in case is the same id)"),
        ]
        for (file, message) in cases {
            do {
                _ = try AdminImport(files: [file], actor: "cli:test").run(on: store, dryRun: true)
                Issue.record("\(file.name) should be refused")
            } catch {
                #expect(error.message == message)
            }
        }
        #expect(store.calls.isEmpty, "refused before the database sees a row")
    }

    @Test func aHeaderOfTwentyThousandColumnsIsCheckedInOnePass() throws {
        let names = (0..<20_000).map { "column_\($0)" }
        let clock = ContinuousClock()
        var table: CSVTable?
        let elapsed = try clock.measure {
            table = try CSVTable(parsing: names.joined(separator: ",") + "\n" + names.map { _ in "x" }.joined(separator: ",") + "\n")
        }
        #expect(table?.columns.count == 20_000)
        #expect(table?.value("column_19999", in: table?.records.first?.fields ?? []) == "x")
        // A regression guard, not a benchmark: the quadratic check took 22 s; one pass takes milliseconds.
        #expect(elapsed < .seconds(5), "\(elapsed)")
        #expect(throws: CSVTable.Malformed(line: 1, reason: "column column_7 appears twice")) {
            _ = try CSVTable(parsing: (names + ["Column_7"]).joined(separator: ",") + "\n")
        }
    }

    @Test func aRefusedRowRollsBackAndSaysWhere() {
        let store = FakeStore()
        store.refuse["user u2"] = AdminRefusal(kind: .refused(.emailTaken), code: "email_taken", message: "this email address is already in use")
        let users = Self.file(.portalUsers, "id,port_id,client_id,email\nu1,p1,c1,a@x.example\nu2,p1,c2,b@x.example\n")
        #expect(throws: AdminRefusal(kind: .refused(.emailTaken), code: "email_taken",
                                     message: "portal_users.csv line 3: this email address is already in use",
                                     hint: "nothing was imported")) {
            _ = try AdminImport(files: [users], actor: "cli:test").run(on: store, dryRun: false)
        }
        #expect(store.calls.last == "rollback")
        #expect(!store.calls.contains("commit"))
    }

    @Test func badFilesAreRefusedBeforeTheDatabaseSeesARow() {
        let store = FakeStore()
        let cases: [(AdminImport.File, String)] = [
            (AdminImport.File(kind: .ports, name: "ports.csv", data: Data([0x69, 0x64, 0x0A, 0xD8, 0x72])), "ports.csv is not UTF-8"),
            (Self.file(.portalUsers, "id,port_id,client_id\n"), "portal_users.csv: line 1: missing column email"),
            (Self.file(.clients, "id,port_id,name\nc1,p1\n"), "clients.csv: line 2: 2 fields where the header has 3"),
        ]
        for (file, message) in cases {
            do {
                _ = try AdminImport(files: [file], actor: "cli:test").run(on: store, dryRun: false)
                Issue.record("\(file.name) should be refused")
            } catch {
                #expect(error.message == message)
            }
        }
        #expect(store.calls.isEmpty, "nothing reached the store")
        var opened = false
        #expect(throws: AdminRefusal.self) {
            _ = try AdminImport(files: [cases[1].0], actor: "cli:test").run(dryRun: true) { () throws(AdminRefusal) in
                opened = true
                return store
            }
        }
        #expect(!opened, "a malformed file is refused before the database is opened")
        let badFlag = Self.file(.portalUsers, "id,port_id,client_id,email,is_active\nu1,p1,c1,a@x.example,maybe\n")
        #expect(throws: AdminRefusal.self) { _ = try AdminImport(files: [badFlag], actor: "cli:test").run(on: FakeStore(), dryRun: false) }
    }
}
