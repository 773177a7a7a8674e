import Foundation

/// The import calls of the DBA store (`AdminStore` on Postgres; the tests' fake records them):
/// transactions around any number of upserts, each answering `created`, `updated` or
/// `unchanged`. With `dryRun` an upsert checks everything and answers what it would do without
/// writing an existing row (so it locks none); a row it would create is inserted, for the rows
/// after it to be checked against, and rolled back with the transaction.
public protocol ImportOperations: AnyObject {
    func begin() throws(AdminRefusal)
    func commit() throws(AdminRefusal)
    func rollback()
    func importPort(id: String?, name: String?, actor: String, dryRun: Bool) throws(AdminRefusal) -> String
    func importClient(id: String?, port: String?, name: String?, billingEmail: String?, actor: String, dryRun: Bool)
        throws(AdminRefusal) -> String
    func importPortalUser(
        id: String?, port: String?, client: String?, email: String?, passwordHash: String?, name: String?, isActive: Bool,
        lastLoginAt: String?, createdBy: String?, createdAt: String?, actor: String, locale: String?
    ) throws(AdminRefusal) -> String
}

extension AdminStore: ImportOperations {}

/// Moving in from the CRM and the old portal (`portal-auth admin import`): CSV files of ports,
/// clients and portal users, loaded in that order.
///
/// 1. The files are checked whole before the database sees a row (UTF-8, columns, field counts,
///    no id twice in one file).
/// 2. Every row is checked by the database in one transaction of dry-run calls, rolled back: a
///    refused row refuses the whole import before anything is written, naming its file and line.
///    This pass locks no existing row, so the live service (invites, PUTs, sign-ins of that
///    marina) never waits for it. A dry run ends here: its counts are what a real run does.
/// 3. The rows are written in batches of `batchSize`, each its own transaction: an existing row
///    is locked only when it changes, and only until its batch commits (milliseconds), instead
///    of every listed row for the whole import. Should a batch fail after the check (the database
///    changed meanwhile, the connection dropped), the batches before it stay imported and the
///    refusal says so: running the same import again skips what is there and goes on.
public struct AdminImport: Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case ports
        case clients
        case portalUsers = "portal_users"

        var required: [String] {
            switch self {
            case .ports: ["id", "name"]
            case .clients: ["id", "port_id", "name"]
            case .portalUsers: ["id", "port_id", "client_id", "email"]
            }
        }

        /// "portal users", for people.
        public var label: String { rawValue.replacingOccurrences(of: "_", with: " ") }
    }

    /// One file to load: its kind, its name (for messages) and its bytes.
    public struct File: Sendable {
        public let kind: Kind
        public let name: String
        public let data: Data

        public init(kind: Kind, name: String, data: Data) {
            self.kind = kind
            self.name = name
            self.data = data
        }
    }

    /// What was (or, in a dry run, would be) done per file: created, updated, unchanged.
    public struct Report: Equatable, Sendable {
        public var counts: [(kind: Kind, created: Int, updated: Int, unchanged: Int)] = []

        public static func == (a: Report, b: Report) -> Bool {
            a.counts.map { "\($0.kind) \($0.created) \($0.updated) \($0.unchanged)" }
                == b.counts.map { "\($0.kind) \($0.created) \($0.updated) \($0.unchanged)" }
        }
    }

    public let files: [File]
    public let actor: String
    /// Rows written per transaction (at least 1).
    public let batchSize: Int

    /// The rows one transaction writes by default: a few hundred milliseconds of work, so a
    /// changed row is held no longer than that.
    public static let defaultBatchSize = 500

    public init(files: [File], actor: String, batchSize: Int = AdminImport.defaultBatchSize) {
        self.files = files.sorted { Kind.allCases.firstIndex(of: $0.kind)! < Kind.allCases.firstIndex(of: $1.kind)! }
        self.actor = actor
        self.batchSize = max(1, batchSize)
    }

    private static func invalid(_ message: String, hint: String? = nil) -> AdminRefusal {
        AdminRefusal(kind: .refused(.invalidRequest), code: "invalid_input", message: message, hint: hint)
    }

    /// Every file parsed and its columns checked.
    func tables() throws(AdminRefusal) -> [CSVTable] {
        var tables: [CSVTable] = []
        for file in files {
            // Refuse rather than guess: a Windows-1252 export would otherwise import "Øresund"
            // as "�resund" without a word.
            guard let text = String(data: file.data, encoding: .utf8) else {
                throw Self.invalid("\(file.name) is not UTF-8", hint: "export the file as UTF-8 (CSV UTF-8)")
            }
            do {
                let table = try CSVTable(parsing: text)
                try table.require(file.kind.required)
                try Self.requireUniqueIDs(table)
                tables.append(table)
            } catch {
                throw Self.invalid("\(file.name): \(error)")
            }
        }
        return tables
    }

    /// The ports the portal-user files name (their port_id column), each once, in file order: the
    /// ports `admin import --send-activations` mails.
    public func portalUserPorts() throws(AdminRefusal) -> [String] {
        var ports: [String] = []
        for (file, table) in zip(files, try tables()) where file.kind == .portalUsers {
            for record in table.records {
                if let port = table.value("port_id", in: record.fields), !ports.contains(port) { ports.append(port) }
            }
        }
        return ports
    }

    /// Throws when two records of one file have the same id (ids differing only in case are the
    /// same id): the second would silently update the first, or be refused as taken.
    static func requireUniqueIDs(_ table: CSVTable) throws(CSVTable.Malformed) {
        var first: [String: (line: Int, id: String)] = [:]
        for record in table.records {
            guard let id = table.value("id", in: record.fields) else { continue }
            if let earlier = first[id.lowercased()] {
                let same = earlier.id == id ? "" : " (as \(earlier.id): an id differing only in case is the same id)"
                throw CSVTable.Malformed(
                    line: record.line, reason: "id \(id) appears on line \(earlier.line) and line \(record.line)\(same)")
            }
            first[id.lowercased()] = (record.line, id)
        }
    }

    /// Checks every row, then (unless `dryRun`) writes them in batches, through `store`.
    public func run(on store: any ImportOperations, dryRun: Bool) throws(AdminRefusal) -> Report {
        try run(dryRun: dryRun) { () throws(AdminRefusal) in store }
    }

    /// Checks every file, then opens the store (`open`), has the database check every row (one
    /// rolled-back transaction) and, unless `dryRun`, writes them in batches: a malformed file is
    /// refused without a database, and a dry run of a bad file needs none.
    public func run(dryRun: Bool, open: () throws(AdminRefusal) -> any ImportOperations) throws(AdminRefusal) -> Report {
        let tables = try tables()
        let store = try open()
        let checked = try check(tables, on: store)
        if dryRun { return checked }
        return try write(tables, on: store)
    }

    /// Every row as a dry-run call, in one transaction rolled back at the end.
    private func check(_ tables: [CSVTable], on store: any ImportOperations) throws(AdminRefusal) -> Report {
        var report = Report()
        try store.begin()
        do throws(AdminRefusal) {
            for (file, table) in zip(files, tables) {
                var counts = (kind: file.kind, created: 0, updated: 0, unchanged: 0)
                for record in table.records {
                    let outcome: String
                    do throws(AdminRefusal) {
                        outcome = try load(file.kind, table, record.fields, store, dryRun: true)
                    } catch {
                        throw Self.refusal(error, file, record.line, written: 0)
                    }
                    Self.count(outcome, in: &counts)
                }
                report.counts.append(counts)
            }
        } catch {
            store.rollback()
            throw error
        }
        store.rollback()
        return report
    }

    /// Every row for real, `batchSize` rows per transaction.
    private func write(_ tables: [CSVTable], on store: any ImportOperations) throws(AdminRefusal) -> Report {
        var report = Report()
        var inBatch = 0
        var committed = 0
        try store.begin()
        do throws(AdminRefusal) {
            for (file, table) in zip(files, tables) {
                var counts = (kind: file.kind, created: 0, updated: 0, unchanged: 0)
                for record in table.records {
                    if inBatch == batchSize {
                        do throws(AdminRefusal) { try store.commit() } catch { throw Self.betweenBatches(error, written: committed) }
                        committed += inBatch
                        inBatch = 0
                        do throws(AdminRefusal) { try store.begin() } catch { throw Self.betweenBatches(error, written: committed) }
                    }
                    let outcome: String
                    do throws(AdminRefusal) {
                        outcome = try load(file.kind, table, record.fields, store, dryRun: false)
                    } catch {
                        throw Self.refusal(error, file, record.line, written: committed)
                    }
                    inBatch += 1
                    Self.count(outcome, in: &counts)
                }
                report.counts.append(counts)
            }
            do throws(AdminRefusal) { try store.commit() } catch { throw Self.betweenBatches(error, written: committed) }
        } catch {
            store.rollback()
            throw error
        }
        return report
    }

    private static func count(_ outcome: String, in counts: inout (kind: Kind, created: Int, updated: Int, unchanged: Int)) {
        switch outcome {
        case "created": counts.created += 1
        case "updated": counts.updated += 1
        default: counts.unchanged += 1
        }
    }

    /// A refused row, named by file and line, and what was written before it.
    /// A failure outside any row (a batch's commit or the next begin: the connection dropped, the
    /// database went read-only): the batches committed before it stay, and the operator is told.
    private static func betweenBatches(_ error: AdminRefusal, written: Int) -> AdminRefusal {
        let outcome = written == 0
            ? "nothing was imported"
            : "the first \(written) rows were imported; run the same import again to finish it (what is there is skipped)"
        return AdminRefusal(kind: error.kind, code: error.code, message: error.message, hint: error.hint.map { $0 + "; " + outcome } ?? outcome)
    }

    private static func refusal(_ error: AdminRefusal, _ file: File, _ line: Int, written: Int) -> AdminRefusal {
        let outcome = written == 0
            ? "nothing was imported"
            : "the \(written) rows before it were imported; fix it and run the same import again (what is there is skipped)"
        return AdminRefusal(
            kind: error.kind, code: error.code, message: "\(file.name) line \(line): \(error.message)",
            hint: error.hint.map { $0 + "; " + outcome } ?? outcome)
    }

    private func load(_ kind: Kind, _ table: CSVTable, _ row: [String], _ store: any ImportOperations, dryRun: Bool)
        throws(AdminRefusal) -> String
    {
        func value(_ column: String) -> String? { table.value(column, in: row) }
        switch kind {
        case .ports:
            return try store.importPort(id: value("id"), name: value("name"), actor: actor, dryRun: dryRun)
        case .clients:
            return try store.importClient(
                id: value("id"), port: value("port_id"), name: value("name"), billingEmail: value("billing_email"), actor: actor,
                dryRun: dryRun)
        case .portalUsers:
            return try store.importPortalUser(
                id: value("id"), port: value("port_id"), client: value("client_id"), email: value("email"),
                passwordHash: value("password_hash"), name: value("name"), isActive: try Self.boolean(value("is_active")),
                lastLoginAt: value("last_login_at"), createdBy: value("created_by"), createdAt: value("created_at"), actor: actor,
                locale: value("locale"))
        }
    }

    /// The old portal's is_active: true/false, t/f, 1/0, yes/no; empty means true.
    static func boolean(_ text: String?) throws(AdminRefusal) -> Bool {
        guard let text else { return true }
        switch text.lowercased() {
        case "true", "t", "1", "yes", "y": return true
        case "false", "f", "0", "no", "n": return false
        default: throw invalid("is_active must be true or false, not '\(text)'")
        }
    }
}
