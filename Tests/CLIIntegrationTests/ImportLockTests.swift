import Foundation
import PQ
import PortalCore
import TestSupport
import Testing

/// `portal-auth admin import` on a live database: while the import's transaction is open, the
/// rows it lists but does not change stay free for everyone else (a second connection locks
/// them with NOWAIT), in a dry run and in a real run. Before, every listed port and client row
/// was locked FOR UPDATE until the import ended, and each of that marina's invites and PUTs
/// waited for it.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh"))
struct ImportLockTests {
    /// Forwards to the real store; after every row it asks a second connection for the rows of
    /// `probes` with `FOR <lock> NOWAIT` and records the ones it could not lock.
    final class Probing: ImportOperations {
        let store: AdminStore
        let other: Connection
        let probes: [(table: String, id: String)]
        let lock: String
        /// What else the second connection does after each row (its failures are recorded too).
        let also: ((Connection) throws -> Void)?
        var blocked: [String] = []
        var rows = 0

        init(store: AdminStore, other: Connection, probes: [(table: String, id: String)], lock: String = "update",
             also: ((Connection) throws -> Void)? = nil) {
            self.store = store
            self.other = other
            self.probes = probes
            self.lock = lock
            self.also = also
        }

        private func probe() {
            rows += 1
            for (table, id) in probes {
                do {
                    _ = try other.query("select id from portal.\(table) where id = $1 for \(lock) nowait", [id])
                } catch {
                    blocked.append("\(table) \(id) after row \(rows): \((error as? PQError)?.sqlState ?? "\(error)")")
                }
            }
            do {
                try also?(other)
            } catch {
                _ = try? other.query("rollback")
                blocked.append("after row \(rows): \((error as? PQError)?.sqlState ?? "\(error)")")
            }
        }

        func begin() throws(AdminRefusal) { try store.begin() }
        func commit() throws(AdminRefusal) { try store.commit() }
        func rollback() { store.rollback() }
        func importPort(id: String?, name: String?, actor: String, dryRun: Bool) throws(AdminRefusal) -> String {
            defer { probe() }
            return try store.importPort(id: id, name: name, actor: actor, dryRun: dryRun)
        }
        func importClient(id: String?, port: String?, name: String?, billingEmail: String?, actor: String, dryRun: Bool)
            throws(AdminRefusal) -> String
        {
            defer { probe() }
            return try store.importClient(id: id, port: port, name: name, billingEmail: billingEmail, actor: actor, dryRun: dryRun)
        }
        func importPortalUser(
            id: String?, port: String?, client: String?, email: String?, passwordHash: String?, name: String?, isActive: Bool,
            lastLoginAt: String?, createdBy: String?, createdAt: String?, actor: String, locale: String?
        ) throws(AdminRefusal) -> String {
            defer { probe() }
            return try store.importPortalUser(
                id: id, port: port, client: client, email: email, passwordHash: passwordHash, name: name, isActive: isActive,
                lastLoginAt: lastLoginAt, createdBy: createdBy, createdAt: createdAt, actor: actor, locale: locale)
        }
    }

    @Test func importingUnchangedRowsLocksNothingOthersNeed() throws {
        let url = try TestEnvironment.databaseURL()
        let setup = try Connection(conninfo: url)
        let tag = UUID().uuidString.prefix(8).lowercased()
        let port = "lock-port-\(tag)"
        let clients = (1...3).map { "lock-client-\(tag)-\($0)" }
        try setup.query("select portal_api.create_port('Lock Marina', $1)", [port])
        for id in clients { try setup.query("select portal_api.create_client($1, 'Lock Client', null, $2)", [port, id]) }
        let files = [
            AdminImport.File(kind: .ports, name: "ports.csv", data: Data("id,name\n\(port),Lock Marina\n".utf8)),
            AdminImport.File(kind: .clients, name: "clients.csv", data: Data(
                ("id,port_id,name\n" + clients.map { "\($0),\(port),Lock Client\n" }.joined()).utf8)),
        ]
        let probes = [("ports", port)] + clients.map { ("clients", $0) }
        for dryRun in [true, false] {
            let probing = Probing(store: try AdminStore(conninfo: url), other: try Connection(conninfo: url), probes: probes)
            let report = try AdminImport(files: files, actor: "cli:test").run(on: probing, dryRun: dryRun)
            #expect(report.counts.map(\.unchanged) == [1, 3], "dry run \(dryRun)")
            #expect(probing.rows > 0)
            #expect(probing.blocked.isEmpty, "dry run \(dryRun): rows locked while the import ran: \(probing.blocked)")
        }
    }

    /// A rename checked in a dry run writes nothing, so the port stays free to update (a rename,
    /// its contact) for everyone else. (The client the dry run would create is inserted for the
    /// check and rolled back; its foreign-key check holds KEY SHARE on the port meanwhile, which
    /// blocks only a delete of the port or FOR UPDATE, never an update, an invite or a PUT.)
    @Test func aDryRunOfChangesLocksNoExistingRowAndKeepsNothing() throws {
        let url = try TestEnvironment.databaseURL()
        let setup = try Connection(conninfo: url)
        let tag = UUID().uuidString.prefix(8).lowercased()
        let port = "dry-port-\(tag)"
        try setup.query("select portal_api.create_port('Dry Marina', $1)", [port])
        let files = [
            AdminImport.File(kind: .ports, name: "ports.csv", data: Data("id,name\n\(port),Dry Marina Renamed\n".utf8)),
            AdminImport.File(kind: .clients, name: "clients.csv", data: Data("id,port_id,name\ndry-client-\(tag),\(port),New\n".utf8)),
        ]
        let probing = Probing(store: try AdminStore(conninfo: url), other: try Connection(conninfo: url), probes: [("ports", port)],
                                lock: "no key update")
        let report = try AdminImport(files: files, actor: "cli:test").run(on: probing, dryRun: true)
        #expect(report.counts.map(\.updated) == [1, 0])
        #expect(report.counts.map(\.created) == [0, 1])
        #expect(probing.blocked.isEmpty, "the port to be renamed was locked: \(probing.blocked)")
        let name: String? = try setup.query("select name from portal.ports where id = $1", [port]).scalar()
        #expect(name == "Dry Marina")
        let kept: Int? = try setup.query("select count(*)::int from portal.clients where port_id = $1", [port]).scalar()
        #expect(kept == 0)
    }

    /// The marina's staff keep working while an import of new clients into their port is checked
    /// and written: an invite (its foreign-key check locks the port and the client KEY SHARE) and a
    /// rename by PUT succeed after every row, each within a one-second lock timeout.
    @Test func invitesAndPutsOfThatMarinaGoOnWhileItsImportRuns() throws {
        let url = try TestEnvironment.databaseURL()
        let setup = try Connection(conninfo: url)
        let tag = UUID().uuidString.prefix(8).lowercased()
        let port = "busy-port-\(tag)"
        try setup.query("select portal_api.create_port('Busy Marina', $1)", [port])
        let staffClient = "busy-staff-\(tag)"
        try setup.query("select portal_api.create_client($1, 'Walk-in', null, $2)", [port, staffClient])
        let key: String = try #require(try setup.query("select portal_api.create_admin_key($1, 'crm')", [port]).scalar())
        let files = [
            AdminImport.File(kind: .ports, name: "ports.csv", data: Data("id,name\n\(port),Busy Marina\n".utf8)),
            AdminImport.File(kind: .clients, name: "clients.csv", data: Data(
                ("id,port_id,name\n" + (1...5).map { "busy-\(tag)-\($0),\(port),New \($0)\n" }.joined()).utf8)),
        ]
        let staffWork: (Connection) throws -> Void = { other in
            try other.query("begin")
            try other.query("set local lock_timeout = '1s'")
            try other.query("select portal_api.invite($1, $2)", [staffClient, "walk-in-\(tag)@example.com"])
            try other.query("select portal_api.key_put_client(sha256(convert_to($1, 'UTF8')), $2, 'Walk-in Ltd')", [key, staffClient])
            try other.query("rollback")
        }
        for dryRun in [true, false] {
            let probing = Probing(store: try AdminStore(conninfo: url), other: try Connection(conninfo: url), probes: [],
                                  also: staffWork)
            let report = try AdminImport(files: files, actor: "cli:test").run(on: probing, dryRun: dryRun)
            #expect(report.counts.map(\.created) == [0, 5])
            #expect(probing.rows == (dryRun ? 6 : 12))
            #expect(probing.blocked.isEmpty, "dry run \(dryRun): the marina's staff waited: \(probing.blocked)")
        }
    }
}
