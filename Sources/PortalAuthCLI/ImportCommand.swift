import ArgumentParser
import Foundation
import PortalCore

extension AdminCommand {
    /// `portal-auth admin import`: moves in from the CRM and the old portal. Ports, clients and
    /// portal users are loaded under their own ids in one transaction (all or nothing), in that
    /// order; a row already imported is left as it is, so the command can run again after a fix.
    /// `--dry-run` does all of it and rolls back: the counts it prints are what a real run does.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load ports, clients and the old portal's portal users from CSV files (one transaction; --dry-run to preview).",
            discussion: """
                ports.csv: id, name. clients.csv: id, port_id, name, billing_email. portal_users.csv: id, port_id, \
                client_id, email, password_hash, name, is_active, last_login_at, created_by, created_at (the old \
                portal's rows: a Node salt:key hash is kept and upgraded at the user's next sign-in; a user with a hash \
                is active, one without is invited, and no mail is sent: use resend). A header row names the columns \
                (any order; other columns are ignored). Re-running skips what is already there.
                """)
        @OptionGroup var options: AdminOptions
        @Option(help: "CSV of ports (id, name).") var ports: String?
        @Option(help: "CSV of clients (id, port_id, name, billing_email).") var clients: String?
        @Option(name: .customLong("portal-users"), help: "CSV of the old portal's portal_users rows.") var portalUsers: String?
        @Flag(name: .customLong("dry-run"), help: "Do everything, report it, and roll back.") var dryRun = false

        func validate() throws {
            guard ports != nil || clients != nil || portalUsers != nil else {
                throw ValidationError("name at least one of --ports, --clients, --portal-users")
            }
        }

        /// One file: each record calls one import function, whose outcome is counted.
        struct Step {
            let label: String
            let path: String
            let columns: [String]
            let load: (AdminStore, CSVTable, [String]) throws -> String
        }

        func run() throws {
            try AdminCommand.exit(options) {
                var steps: [Step] = []
                let actor = AdminCommand.actor
                if let ports {
                    steps.append(Step(label: "ports", path: ports, columns: ["id", "name"]) { store, table, row in
                        try store.importPort(id: table.value("id", in: row), name: table.value("name", in: row), actor: actor)
                    })
                }
                if let clients {
                    steps.append(Step(label: "clients", path: clients, columns: ["id", "port_id", "name"]) { store, table, row in
                        try store.importClient(
                            id: table.value("id", in: row), port: table.value("port_id", in: row), name: table.value("name", in: row),
                            billingEmail: table.value("billing_email", in: row), actor: actor)
                    })
                }
                if let portalUsers {
                    steps.append(Step(label: "portal users", path: portalUsers, columns: ["id", "port_id", "client_id", "email"]) {
                        store, table, row in
                        try store.importPortalUser(
                            id: table.value("id", in: row), port: table.value("port_id", in: row),
                            client: table.value("client_id", in: row), email: table.value("email", in: row),
                            passwordHash: table.value("password_hash", in: row), name: table.value("name", in: row),
                            isActive: try Self.boolean(table.value("is_active", in: row)),
                            lastLoginAt: table.value("last_login_at", in: row), createdBy: table.value("created_by", in: row),
                            createdAt: table.value("created_at", in: row), actor: actor)
                    })
                }
                // Read and check every file before the database sees a row.
                var tables: [CSVTable] = []
                for step in steps {
                    guard let data = FileManager.default.contents(atPath: step.path) else {
                        throw AdminRefusal(kind: .refused(.invalidRequest), code: "invalid_input", message: "cannot read \(step.path)")
                    }
                    // Refuse rather than guess: a Windows-1252 export would otherwise import "Øresund"
                    // as "�resund" without a word.
                    guard let text = String(data: data, encoding: .utf8) else {
                        throw AdminRefusal(kind: .refused(.invalidRequest), code: "invalid_input", message: "\(step.path) is not UTF-8",
                                           hint: "export the file as UTF-8 (CSV UTF-8)")
                    }
                    do {
                        let table = try CSVTable(parsing: text)
                        try table.require(step.columns)
                        tables.append(table)
                    } catch {
                        throw AdminRefusal(kind: .refused(.invalidRequest), code: "invalid_input", message: "\(step.path): \(error)")
                    }
                }
                let store = try options.store()
                var report: [(String, [String: Int])] = []
                try store.begin()
                do {
                    for (step, table) in zip(steps, tables) {
                        var counts = ["created": 0, "updated": 0, "unchanged": 0]
                        for record in table.records {
                            do {
                                counts[try step.load(store, table, record.fields), default: 0] += 1
                            } catch let refusal as AdminRefusal {
                                throw AdminRefusal(
                                    kind: refusal.kind, code: refusal.code, message: "\(step.path) line \(record.line): \(refusal.message)",
                                    hint: refusal.hint.map { $0 + "; nothing was imported" } ?? "nothing was imported")
                            } catch let error as ValidationError {
                                throw AdminRefusal(
                                    kind: .refused(.invalidRequest), code: "invalid_input",
                                    message: "\(step.path) line \(record.line): \(error.message)", hint: "nothing was imported")
                            }
                        }
                        report.append((step.label, counts))
                    }
                    if dryRun { store.rollback() } else { try store.commit() }
                } catch {
                    store.rollback()
                    throw error
                }
                if options.json {
                    var object: [String: Any] = ["dryRun": dryRun]
                    for (label, counts) in report { object[label.replacingOccurrences(of: " ", with: "_")] = counts }
                    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
                    print(String(decoding: data, as: UTF8.self))
                } else {
                    print(dryRun ? "dry run: nothing was written; a real run would do this:" : "imported in one transaction:")
                    for (label, counts) in report {
                        print("  \(label): \(counts["created"] ?? 0) created, \(counts["updated"] ?? 0) updated, "
                              + "\(counts["unchanged"] ?? 0) already there")
                    }
                }
            }
        }

        /// The old portal's is_active: true/false, t/f, 1/0, yes/no; empty means true.
        static func boolean(_ text: String?) throws -> Bool {
            guard let text else { return true }
            switch text.lowercased() {
            case "true", "t", "1", "yes", "y": return true
            case "false", "f", "0", "no", "n": return false
            default: throw ValidationError("is_active must be true or false, not '\(text)'")
            }
        }
    }
}
