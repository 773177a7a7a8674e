import Foundation

/// The import calls of the DBA store (`AdminStore` on Postgres; the tests' fake records them):
/// one transaction around any number of upserts, each answering `created`, `updated` or
/// `unchanged`.
public protocol ImportOperations: AnyObject {
    func begin() throws(AdminRefusal)
    func commit() throws(AdminRefusal)
    func rollback()
    func importPort(id: String?, name: String?, actor: String) throws(AdminRefusal) -> String
    func importClient(id: String?, port: String?, name: String?, billingEmail: String?, actor: String) throws(AdminRefusal) -> String
    func importPortalUser(
        id: String?, port: String?, client: String?, email: String?, passwordHash: String?, name: String?, isActive: Bool,
        lastLoginAt: String?, createdBy: String?, createdAt: String?, actor: String
    ) throws(AdminRefusal) -> String
}

extension AdminStore: ImportOperations {}

/// Moving in from the CRM and the old portal (`portal-auth admin import`): CSV files of ports,
/// clients and portal users, checked whole before the database sees a row, then loaded in one
/// transaction in that order — all or nothing; a dry run does everything and rolls back, so its
/// counts are what a real run does. A refused row names its file and line.
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

    public init(files: [File], actor: String) {
        self.files = files.sorted { Kind.allCases.firstIndex(of: $0.kind)! < Kind.allCases.firstIndex(of: $1.kind)! }
        self.actor = actor
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
                tables.append(table)
            } catch {
                throw Self.invalid("\(file.name): \(error)")
            }
        }
        return tables
    }

    /// Loads every file through `store` in one transaction (rolled back when `dryRun`).
    public func run(on store: any ImportOperations, dryRun: Bool) throws(AdminRefusal) -> Report {
        try run(dryRun: dryRun) { () throws(AdminRefusal) in store }
    }

    /// Checks every file, then opens the store (`open`) and loads them: a malformed file is
    /// refused without a database, and a dry run of a bad file needs none.
    public func run(dryRun: Bool, open: () throws(AdminRefusal) -> any ImportOperations) throws(AdminRefusal) -> Report {
        let tables = try tables()
        let store = try open()
        var report = Report()
        try store.begin()
        do throws(AdminRefusal) {
            for (file, table) in zip(files, tables) {
                var counts = (kind: file.kind, created: 0, updated: 0, unchanged: 0)
                for record in table.records {
                    let outcome: String
                    do throws(AdminRefusal) {
                        outcome = try load(file.kind, table, record.fields, store)
                    } catch {
                        throw AdminRefusal(
                            kind: error.kind, code: error.code, message: "\(file.name) line \(record.line): \(error.message)",
                            hint: error.hint.map { $0 + "; nothing was imported" } ?? "nothing was imported")
                    }
                    switch outcome {
                    case "created": counts.created += 1
                    case "updated": counts.updated += 1
                    default: counts.unchanged += 1
                    }
                }
                report.counts.append(counts)
            }
            if dryRun { store.rollback() } else { try store.commit() }
        } catch {
            store.rollback()
            throw error
        }
        return report
    }

    private func load(_ kind: Kind, _ table: CSVTable, _ row: [String], _ store: any ImportOperations) throws(AdminRefusal) -> String {
        func value(_ column: String) -> String? { table.value(column, in: row) }
        switch kind {
        case .ports:
            return try store.importPort(id: value("id"), name: value("name"), actor: actor)
        case .clients:
            return try store.importClient(
                id: value("id"), port: value("port_id"), name: value("name"), billingEmail: value("billing_email"), actor: actor)
        case .portalUsers:
            return try store.importPortalUser(
                id: value("id"), port: value("port_id"), client: value("client_id"), email: value("email"),
                passwordHash: value("password_hash"), name: value("name"), isActive: try Self.boolean(value("is_active")),
                lastLoginAt: value("last_login_at"), createdBy: value("created_by"), createdAt: value("created_at"), actor: actor)
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
