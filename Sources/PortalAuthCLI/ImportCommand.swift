import ArgumentParser
import Foundation
import PortalCore

extension AdminCommand {
    /// `portal-auth admin import`: moves in from the CRM and the old portal. Ports, clients and
    /// portal users are loaded under their own ids, in that order: every row is checked first
    /// (all or nothing: a refused row imports nothing), then written in batches of 500 rows per
    /// transaction, locking only rows that change, so the live service never waits long for an
    /// import. A row already imported is left as it is, so the command can run again after a
    /// fix or an interruption. `--dry-run` only checks, locking no existing row: the counts it
    /// prints are what a real run does.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: """
                Load ports, clients and the old portal's portal users from CSV files (checked whole, then written in \
                batches; --dry-run to preview).
                """,
            discussion: """
                ports.csv: id, name. clients.csv: id, port_id, name, billing_email. portal_users.csv: id, port_id, \
                client_id, email, password_hash, name, is_active, last_login_at, created_by, created_at, locale (the \
                old portal's rows, and the client's own language, a BCP 47 tag such as de or hr; empty: the port's \
                language): a Node salt:key hash is kept and upgraded at the user's next sign-in; a user with a hash \
                is active, one without is invited, and no mail is sent: use resend, send-activations or \
                --send-activations). A header row names the columns \
                (any order; other columns are ignored); an id appears once per file (ids differing only in case \
                are the same id). Every row is checked before any is written; rows are then written 500 per \
                transaction. Re-running skips what is already there (also after an interrupted run).
                """)
        @OptionGroup var options: AdminOptions
        @Option(help: "CSV of ports (id, name).") var ports: String?
        @Option(help: "CSV of clients (id, port_id, name, billing_email).") var clients: String?
        @Option(name: .customLong("portal-users"), help: "CSV of the old portal's portal_users rows.") var portalUsers: String?
        @Flag(name: .customLong("dry-run"), help: "Check every row and report what a real run would do; nothing is kept, no existing row is locked.")
        var dryRun = false
        @Flag(name: .customLong("send-activations"), help: """
            After the import, queue an activation mail for every invited user of the ports the portal-user \
            file names that has no live link (as send-activations; with --dry-run, only counted).
            """)
        var sendActivations = false

        func validate() throws {
            guard ports != nil || clients != nil || portalUsers != nil else {
                throw ValidationError("name at least one of --ports, --clients, --portal-users")
            }
            if sendActivations, portalUsers == nil {
                throw ValidationError("--send-activations mails the invited users of --portal-users: name that file")
            }
        }

        func run() throws {
            try AdminCommand.exit(options) {
                var files: [AdminImport.File] = []
                for (kind, path) in [(AdminImport.Kind.ports, ports), (.clients, clients), (.portalUsers, portalUsers)] {
                    guard let path else { continue }
                    guard let data = FileManager.default.contents(atPath: path) else {
                        throw AdminRefusal(kind: .refused(.invalidRequest), code: "invalid_input", message: "cannot read \(path)")
                    }
                    files.append(AdminImport.File(kind: kind, name: path, data: data))
                }
                let load = AdminImport(files: files, actor: AdminCommand.actor)
                let conninfo = try options.conninfo()
                let report = try load.run(dryRun: dryRun) { () throws(AdminRefusal) in try AdminStore(conninfo: conninfo) }
                // After a dry run the users are not there to count: the activations are counted
                // for what the database holds (a preview of a re-run), and nothing is queued.
                var activations: [[String: Any]] = []
                if sendActivations {
                    let store = try AdminStore(conninfo: conninfo)
                    for port in try load.portalUserPorts() {
                        guard let text = try store.sendActivations(port: port, dryRun: dryRun, actor: AdminCommand.actor),
                              let counts = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
                        else { continue }
                        activations.append(counts)
                    }
                }
                if options.json {
                    var object: [String: Any] = ["dryRun": dryRun]
                    for count in report.counts {
                        object[count.kind.rawValue] = ["created": count.created, "updated": count.updated, "unchanged": count.unchanged]
                    }
                    if sendActivations { object["activations"] = activations }
                    options.printJSON(object)
                } else {
                    print(dryRun
                        ? "dry run: nothing was written; a real run would do this:"
                        : "imported (every row checked first, then written in batches):")
                    for count in report.counts {
                        print("  \(count.kind.label): \(count.created) created, \(count.updated) updated, \(count.unchanged) already there")
                    }
                    for counts in activations { print("  " + SendActivations.sentence(counts)) }
                }
            }
        }
    }
}
