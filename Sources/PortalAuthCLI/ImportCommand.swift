import ArgumentParser
import Foundation
import PQ
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

        /// One file: its rows call one import function; the outcome of each is counted.
        struct Step {
            let label: String
            let path: String
            let columns: [String]
            let sql: String
            let parameters: (CSVTable, [String]) throws -> [any PQEncodable]
        }

        func run() throws {
            try AdminCommand.exit(options) {
                var steps: [Step] = []
                let actor = AdminCommand.actor
                if let ports {
                    steps.append(Step(label: "ports", path: ports, columns: ["id", "name"],
                                      sql: "select portal_api.import_port($1, $2, $3)") { table, row in
                        [table.value("id", in: row), table.value("name", in: row), actor]
                    })
                }
                if let clients {
                    steps.append(Step(label: "clients", path: clients, columns: ["id", "port_id", "name"],
                                      sql: "select portal_api.import_client($1, $2, $3, $4, $5)") { table, row in
                        [table.value("id", in: row), table.value("port_id", in: row), table.value("name", in: row),
                         table.value("billing_email", in: row), actor]
                    })
                }
                if let portalUsers {
                    steps.append(Step(
                        label: "portal users", path: portalUsers, columns: ["id", "port_id", "client_id", "email"],
                        sql: """
                            select portal_api.import_portal_user($1, $2, $3, $4, $5, $6, $7, $8::timestamptz, $9, \
                            $10::timestamptz, $11)
                            """
                    ) { table, row in
                        [table.value("id", in: row), table.value("port_id", in: row), table.value("client_id", in: row),
                         table.value("email", in: row), table.value("password_hash", in: row), table.value("name", in: row),
                         try Self.boolean(table.value("is_active", in: row)), table.value("last_login_at", in: row),
                         table.value("created_by", in: row), table.value("created_at", in: row), actor]
                    })
                }
                // Read and check every file before the database sees a row.
                var tables: [CSVTable] = []
                for step in steps {
                    guard let data = FileManager.default.contents(atPath: step.path) else {
                        throw AdminFailure(code: "invalid_input", message: "cannot read \(step.path)", exitCode: 1)
                    }
                    // Refuse rather than guess: a Windows-1252 export would otherwise import "Øresund"
                    // as "�resund" without a word.
                    guard let text = String(data: data, encoding: .utf8) else {
                        throw AdminFailure(code: "invalid_input", message: "\(step.path) is not UTF-8",
                                           hint: "export the file as UTF-8 (CSV UTF-8)", exitCode: 1)
                    }
                    do {
                        let table = try CSVTable(parsing: text)
                        try table.require(step.columns)
                        tables.append(table)
                    } catch {
                        throw AdminFailure(code: "invalid_input", message: "\(step.path): \(error)", exitCode: 1)
                    }
                }
                let connection = try options.connect()
                var report: [(String, [String: Int])] = []
                do {
                    _ = try connection.execute("begin")
                    for (step, table) in zip(steps, tables) {
                        var counts = ["created": 0, "updated": 0, "unchanged": 0]
                        for record in table.records {
                            do {
                                let outcome: String = try connection.query(step.sql, try step.parameters(table, record.fields)).scalar() ?? ""
                                counts[outcome, default: 0] += 1
                            } catch let error as PQError {
                                var failure = AdminFailure(error)
                                failure = AdminFailure(
                                    code: failure.code, message: "\(step.path) line \(record.line): \(failure.message)",
                                    hint: failure.hint.map { $0 + "; nothing was imported" } ?? "nothing was imported",
                                    exitCode: failure.exitCode)
                                throw failure
                            } catch let error as ValidationError {
                                throw AdminFailure(code: "invalid_input", message: "\(step.path) line \(record.line): \(error.message)",
                                                   hint: "nothing was imported", exitCode: 1)
                            }
                        }
                        report.append((step.label, counts))
                    }
                    _ = try connection.execute(dryRun ? "rollback" : "commit")
                } catch {
                    _ = try? connection.execute("rollback")
                    if let error = error as? PQError { throw AdminFailure(error) }
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
