import Foundation
import PortalCore
import Testing

/// `portal-auth admin import` over an in-memory DBA store: files checked before any row is sent,
/// one transaction, a dry run that rolls back, refusals that name the file and line. No database
/// (the crm tier imports the same shapes into Postgres).
@Suite struct AdminImportTests {
    /// Records the calls; refuses what it is told to.
    final class FakeStore: ImportOperations {
        var calls: [String] = []
        var existing: Set<String> = []
        var refuse: [String: AdminRefusal] = [:]

        func begin() throws(AdminRefusal) { calls.append("begin") }
        func commit() throws(AdminRefusal) { calls.append("commit") }
        func rollback() { calls.append("rollback") }

        private func upsert(_ what: String, _ id: String?) throws(AdminRefusal) -> String {
            let key = "\(what) \(id ?? "-")"
            if let refusal = refuse[key] { throw refusal }
            calls.append(key)
            return existing.insert(key).inserted ? "created" : "unchanged"
        }

        func importPort(id: String?, name: String?, actor: String) throws(AdminRefusal) -> String { try upsert("port", id) }
        func importClient(id: String?, port: String?, name: String?, billingEmail: String?, actor: String) throws(AdminRefusal)
            -> String
        { try upsert("client", id) }
        func importPortalUser(
            id: String?, port: String?, client: String?, email: String?, passwordHash: String?, name: String?, isActive: Bool,
            lastLoginAt: String?, createdBy: String?, createdAt: String?, actor: String
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

    @Test func portsThenClientsThenUsersInOneTransaction() throws {
        let store = FakeStore()
        let report = try AdminImport(files: Self.files, actor: "cli:test").run(on: store, dryRun: false)
        #expect(store.calls == ["begin", "port p1", "client c1", "client c2", "user u1", "disabled user u2", "commit"])
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
