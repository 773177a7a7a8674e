import ArgumentParser
import Foundation
import PQ
import PortalCore

/// `portal-auth admin …`: the DBA functions of `portal_api` for operators who prefer a shell to
/// psql. Connect as a member of `portal_admin` (or the owner). Human-readable output by default,
/// `--json` for scripts (errors too). Exit codes: `ExitStatus`, as for every command.
struct AdminCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Operator commands over the SQL API (ports, clients, admin keys, portal users, policy, audit).",
        discussion: """
            Connect as a member of portal_admin (DATABASE_URL or --database-url). The audit trail records \
            the database role as the actor and "cli:$USER" as on behalf of.

            \(ExitStatus.summary) With --json, errors are printed as {"error": {"code", "message", \
            "hint"}} on standard error.
            """,
        subcommands: [
            CreatePort.self, CreateClient.self, SetPortContact.self, SetPortLocale.self, Import.self, CreateKey.self, RevokeKey.self, ListKeys.self, Invite.self,
            Resend.self, Disable.self, Enable.self, Unlock.self, RevokeSessions.self, Status.self, Audit.self,
            SendActivations.self, DeleteClient.self, ChangeEmail.self,
            Settings.self, SetSetting.self, SetRateLimit.self, Prune.self,
        ])
}

struct AdminOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "libpq URI or conninfo of a portal_admin member (env: DATABASE_URL).")
    var databaseURL: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    /// The DBA store on `--database-url` (or DATABASE_URL).
    func store() throws -> AdminStore {
        try AdminStore(conninfo: try conninfo())
    }

    /// `--database-url`, else DATABASE_URL.
    func conninfo() throws -> String {
        guard let url = databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty else {
            throw ValidationError("DATABASE_URL is not set (or pass --database-url)")
        }
        return url
    }

    /// Prints JSON with every control, format or bidi character escaped (`TerminalText`): the
    /// same JSON value, nothing a terminal acts on.
    func printJSON(_ object: Any, pretty: Bool = true) {
        let options: JSONSerialization.WritingOptions = pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: options)) ?? Data()
        print(TerminalText.escapedJSON(String(decoding: data, as: UTF8.self)))
    }

    /// Prints the rows a DBA function answered (see `emit(_: AdminTable)`).
    func emit(_ rows: PQRows) { emit(AdminTable(rows)) }

    /// Prints rows as an aligned table or as JSON. Every value comes from the database (names,
    /// emails, labels someone typed): the table shows control, format and bidi characters
    /// escaped (`\u{1B}`), so a name cannot rewrite the operator's terminal or forge a row.
    func emit(_ table: AdminTable) {
        if json {
            let objects = table.rows.map { row in
                Dictionary(uniqueKeysWithValues: table.columns.enumerated().map { ($1, row[$0].map { $0 as Any } ?? NSNull()) })
            }
            printJSON(objects)
            return
        }
        let columns = table.columns.map(TerminalText.escaped)
        let rows = table.rows.map { $0.map { TerminalText.escaped($0 ?? "") } }
        let widths = columns.enumerated().map { index, name in
            max(name.count, rows.map { $0[index].count }.max() ?? 0)
        }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        print(line(columns))
        print(line(widths.map { String(repeating: "-", count: $0) }))
        for row in rows { print(line(row)) }
    }

    /// Prints a single jsonb value, pretty, as key: value lines (or JSON).
    func emitObject(_ text: String?) {
        guard let text, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return }
        if json {
            printJSON(object)
            return
        }
        func flatten(_ object: [String: Any], prefix: String = "") -> [(String, String)] {
            object.keys.sorted().flatMap { key -> [(String, String)] in
                let value = object[key]!
                if let nested = value as? [String: Any] { return flatten(nested, prefix: prefix + key + ".") }
                return [(prefix + key, value is NSNull ? "-" : "\(value)")]
            }
        }
        let pairs = flatten(object).map { (TerminalText.escaped($0.0), TerminalText.escaped($0.1)) }
        let width = pairs.map(\.0.count).max() ?? 0
        for (key, value) in pairs { print(key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value) }
    }

    /// Prints one scalar (an id, a key), or {"value": …} with --json (escaped like the rest).
    func emitValue(_ name: String, _ value: String?) {
        if json {
            printJSON([name: value.map { $0 as Any } ?? NSNull()], pretty: false)
        } else {
            print(TerminalText.escaped(value ?? ""))
        }
    }
}

extension AdminCommand {
    static var actor: String { "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "operator") }

    struct CreatePort: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create-port", abstract: "Create a port; prints its id.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The port's name, e.g. 'Harbour North'.") var name: String
        @Option(help: "The CRM's id for this port (default: a new UUID).") var id: String?
        func run() throws {
            try AdminCommand.exit(options) {
                options.emitValue("portId", try options.store().createPort(name: name, id: id))
            }
        }
    }

    struct CreateClient: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create-client", abstract: "Create a client in a port; prints its id.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "Port id.") var port: String
        @Argument(help: "The client's name (a boat owner, a company).") var name: String
        @Option(name: .customLong("billing-email"), help: "The client's billing address (optional).") var billingEmail: String?
        @Option(help: "The CRM's id for this client (default: a new UUID).") var id: String?
        func run() throws {
            try AdminCommand.exit(options) {
                options.emitValue("clientId", try options.store().createClient(port: port, name: name, billingEmail: billingEmail, id: id))
            }
        }
    }

    struct SetPortContact: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-port-contact",
            abstract: "Set (or clear, when omitted) a port's reply-to address and support phone, shown in its mails and pages.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "Port id.") var port: String
        @Option(name: .customLong("reply-to"), help: "Where answers to the port's mails go.") var replyTo: String?
        @Option(help: "Support phone, e.g. '+44 1632 960123'.") var phone: String?
        func run() throws {
            try AdminCommand.exit(options) {
                try options.store().setPortContact(port: port, replyTo: replyTo, phone: phone)
                options.emitValue("port", port)
            }
        }
    }

    struct CreateKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-key", abstract: "Create an admin API key for a port; prints the key once (it is not stored).")
        @OptionGroup var options: AdminOptions
        @Argument(help: "Port id.") var port: String
        @Argument(help: "What the key is for, e.g. 'north crm'.") var label: String
        func run() throws {
            try AdminCommand.exit(options) {
                options.emitValue("key", try options.store().createKey(port: port, label: label))
            }
        }
    }

    struct RevokeKey: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke-key", abstract: "Revoke an admin key by id (see list-keys).")
        @OptionGroup var options: AdminOptions
        @Argument(help: "Key id.") var key: String
        func run() throws {
            try AdminCommand.exit(options) {
                try options.store().revokeKey(key)
                options.emitValue("revoked", key)
            }
        }
    }

    struct ListKeys: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list-keys", abstract: "List admin keys (never the keys themselves).")
        @OptionGroup var options: AdminOptions
        @Argument(help: "Port id (all ports when omitted).") var port: String?
        func run() throws {
            try AdminCommand.exit(options) {
                options.emit(try options.store().listKeys(port: port))
            }
        }
    }

    struct Invite: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Invite a client: portal user + activation mail; prints the status.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "Client id.") var client: String
        @Argument(help: "The address the activation mail goes to: the portal user's sign-in email.") var email: String
        @Option(help: "The portal user's name (default: the client's name).") var name: String?
        @Option(help: "The client's own language for pages and mails, a BCP 47 tag (default: the port's).") var locale: String?
        func validate() throws {
            if let locale, LanguageTag(locale) == nil {
                throw ValidationError("--locale must be a BCP 47 language tag: a language, optionally a script and a region (de, de-AT)")
            }
        }
        func run() throws {
            try AdminCommand.exit(options) {
                let store = try options.store()
                try store.invite(client: client, email: email, name: name, actor: AdminCommand.actor, locale: locale)
                options.emitObject(try store.status(client: client))
            }
        }
    }

    /// resend | disable | enable | unlock | revoke-sessions share their shape.
    static func action(_ action: ClientAction, _ client: String, _ options: AdminOptions) throws {
        try AdminCommand.exit(options) {
            let store = try options.store()
            try store.perform(action, client: client, actor: AdminCommand.actor)
            options.emitObject(try store.status(client: client))
        }
    }

    struct Resend: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a fresh activation link (the old one stops working).")
        @OptionGroup var options: AdminOptions
        @Argument(help: "Client id.") var client: String
        func run() throws { try AdminCommand.action(.resend, client, options) }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable the portal user (ends its sessions).")
        @OptionGroup var options: AdminOptions
        @Argument(help: "Client id.") var client: String
        func run() throws { try AdminCommand.action(.disable, client, options) }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled portal user.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "Client id.") var client: String
        func run() throws { try AdminCommand.action(.enable, client, options) }
    }

    struct Unlock: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Clear a lockout.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "Client id.") var client: String
        func run() throws { try AdminCommand.action(.unlock, client, options) }
    }

    struct RevokeSessions: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke-sessions", abstract: "End every session of the portal user.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "Client id.") var client: String
        func run() throws { try AdminCommand.action(.revokeSessions, client, options) }
    }

    struct ChangeEmail: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "change-email",
            abstract: "Change a portal user's address; prints the status, with a note saying what happened.",
            discussion: """
                An invited user (no password yet) moves at once, and a fresh activation link goes to the new \
                address. An active user moves when the confirmation link mailed to the new address is used \
                (pendingEmail meanwhile; a notice goes to the current address). The address stays unique.
                """)
        @OptionGroup var options: AdminOptions
        @Argument(help: "Client id.") var client: String
        @Argument(help: "The new address.") var email: String
        func run() throws {
            try AdminCommand.exit(options) {
                options.emitObject(try options.store().changeEmail(client: client, email: email, actor: AdminCommand.actor))
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "State, last login, last mail and its delivery state.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "Client id.") var client: String
        func run() throws {
            try AdminCommand.exit(options) {
                options.emitObject(try options.store().status(client: client))
            }
        }
    }

    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The audit trail, newest first.")
        @OptionGroup var options: AdminOptions
        @Option(help: "Only this client.") var client: String?
        @Option(help: "At most this many events (1 to 10000).") var limit = 50
        func validate() throws {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be 1 to 10000") }
        }
        func run() throws {
            try AdminCommand.exit(options) {
                options.emit(try options.store().audit(client: client, limit: limit))
            }
        }
    }

    /// Turns an `AdminRefusal` into its message (or JSON) on stderr and its exit code
    /// (`ExitStatus`: unreachable 3, every refusal 1). A refusal may quote what was given (an id,
    /// a CSV value): escaped like every other output.
    static func exit(_ options: AdminOptions, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let failure as AdminRefusal {
            let report = failure.report(json: options.json)
            let line = options.json ? TerminalText.escapedJSON(report) : TerminalText.escaped(report)
            FileHandle.standardError.write(Data((line + "\n").utf8))
            throw ExitStatus(failure).exitCode
        }
    }
}

extension AdminCommand {
    struct Settings: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The policy settings and rate limits: value, allowed range, meaning.")
        @OptionGroup var options: AdminOptions
        func run() throws {
            try AdminCommand.exit(options) {
                let store = try options.store()
                options.emit(try store.settings())
                if !options.json { print("") }
                options.emit(try store.rateLimits())
            }
        }
    }

    struct SetSetting: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-setting", abstract: "Change one policy setting, e.g. set-setting reset_ttl '30 minutes'.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The setting (see `settings`).") var name: String
        @Argument(help: "Its new value.") var value: String
        func run() throws {
            try AdminCommand.exit(options) {
                let store = try options.store()
                try store.setSetting(name, to: value)
                options.emit(try store.settings(named: name))
            }
        }
    }

    struct SetRateLimit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-rate-limit", abstract: "Change one rate limit, e.g. set-rate-limit sign_in_ip 30 '1 minute'.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "The bucket (see `settings`).") var bucket: String
        @Argument(help: "Hits allowed per window.") var maxHits: Int
        @Argument(help: "The window, e.g. '1 minute'.") var window: String
        func run() throws {
            try AdminCommand.exit(options) {
                let store = try options.store()
                try store.setRateLimit(bucket, maxHits: maxHits, window: window)
                options.emit(try store.rateLimits(bucket: bucket))
            }
        }
    }

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete finished mail, dead tokens and old windows (and audit events past audit_retention).")
        @OptionGroup var options: AdminOptions
        @Option(name: .customLong("older-than"), help: "Keep what is younger than this (at least 1 hour).")
        var olderThan = "30 days"
        func run() throws {
            try AdminCommand.exit(options) {
                options.emitObject(try options.store().prune(olderThan: olderThan))
            }
        }
    }
}
