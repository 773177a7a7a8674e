import Foundation
import PQ

/// What a DBA-side call can end in besides success: a refusal in the database's own words (it
/// names the value or the id and holds no secret, unlike what the gateway may tell a client), or an
/// unreachable database. The CLI owns how it is shown and its exit code (`PortalAuthCLI/AdminOutput.swift`).
public struct AdminRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The database could not be reached (libpq's reason: host, socket, authentication).
        case unreachable
        /// The caller's role lacks the grant.
        case permissionDenied
        /// Refused: an unknown id, a conflict, a value out of range.
        case refused(PortalError.Reason)
    }

    public let kind: Kind
    public let code: String
    public let message: String
    public let hint: String?
    public var description: String { message + (hint.map { " (\($0))" } ?? "") }

    public init(kind: Kind, code: String, message: String, hint: String? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.hint = hint
    }

    /// The refusal a database failure means to an operator.
    static func from(_ error: PQError) -> AdminRefusal {
        if error.isConnectionFailure {
            return AdminRefusal(
                kind: .unreachable, code: "database_unreachable",
                message: "cannot reach the database: \(Connection.loggableReason(error))")
        }
        if error.sqlState == SQLState.lockNotAvailable {
            // Someone holds what this needs (a mailer's lease, a row lock): the database says what
            // and, in the hint, for how long.
            return AdminRefusal(kind: .refused(.unavailable), code: PortalError.Reason.unavailable.rawValue,
                                message: error.message, hint: error.hint)
        }
        if error.sqlState == SQLState.insufficientPrivilege {
            return AdminRefusal(
                kind: .permissionDenied, code: "permission_denied", message: "permission denied: \(error.message)",
                hint: "connect as a member of portal_admin (grant portal_admin to <you>)")
        }
        let mapped = PortalError.from(error)
        if error.sqlState?.hasPrefix("22") == true {
            // A value the database could not read (an interval, a number): its sentence names it.
            return AdminRefusal(kind: .refused(.invalidRequest), code: "invalid_input", message: error.message)
        }
        if error.sqlState?.hasPrefix("PA") == true {
            return AdminRefusal(kind: .refused(mapped.reason), code: mapped.code, message: error.message, hint: error.hint)
        }
        return AdminRefusal(kind: .refused(mapped.reason), code: mapped.code, message: mapped.message)
    }
}

/// The DBA half of the SQL API (`portal_api`, role `portal_admin`), one Swift function per SQL
/// function, for `portal-auth admin`. One blocking connection (a CLI runs one command); every
/// failure arrives as an `AdminRefusal`.
public final class AdminStore {
    private let connection: Connection

    /// Connects as a member of `portal_admin`.
    public init(conninfo: String) throws(AdminRefusal) {
        do {
            connection = try Connection(conninfo: conninfo, applicationName: "portal-auth-admin")
        } catch {
            throw AdminRefusal.from(error as? PQError ?? PQError(kind: .connection, message: "\(error)"))
        }
    }

    /// The functions this store calls: with `StoreGrants.everyRole`, exactly `portal_admin`'s
    /// grants (a test compares the two).
    public static let functions: Set<String> = [
        "create_port", "create_client", "set_port_contact", "create_admin_key", "revoke_admin_key", "list_admin_keys",
        "invite", "resend_activation", "disable_portal_user", "enable_portal_user", "unlock_portal_user", "revoke_sessions",
        "portal_user_status", "audit_events", "settings", "rate_limits", "set_setting", "set_rate_limit", "prune",
        "import_port", "import_client", "import_portal_user", "maintenance", "outbox_stats", "after_restore",
        "delete_client", "send_activations", "change_email", "set_port_locale",
    ]

    private func run(_ sql: String, _ parameters: [any PQEncodable] = []) throws(AdminRefusal) -> PQRows {
        do {
            return try connection.query(sql, parameters)
        } catch {
            throw AdminRefusal.from(error as? PQError ?? PQError(kind: .query, message: "\(error)"))
        }
    }

    private func text(_ sql: String, _ parameters: [any PQEncodable] = []) throws(AdminRefusal) -> String? {
        do {
            return try run(sql, parameters).scalar()
        } catch let refusal as AdminRefusal {
            throw refusal
        } catch {
            throw AdminRefusal(kind: .refused(.internalError), code: "internal_error", message: "unexpected answer: \(error)")
        }
    }

    // Ports, clients, keys.

    public func createPort(name: String, id: String?) throws(AdminRefusal) -> String? {
        try text("select portal_api.create_port($1, $2)", [name, id])
    }

    public func createClient(port: String, name: String, billingEmail: String?, id: String?) throws(AdminRefusal) -> String? {
        try text("select portal_api.create_client($1, $2, $3, $4)", [port, name, billingEmail, id])
    }

    public func setPortContact(port: String, replyTo: String?, phone: String?) throws(AdminRefusal) {
        _ = try run("select portal_api.set_port_contact($1, $2, $3)", [port, replyTo, phone])
    }

    /// Sets (nil clears) a port's default language (BCP 47, any case: stored normalised) and IANA
    /// time zone; returns the port as JSON (`id`, `name`, `locale`, `timeZone`).
    public func setPortLocale(port: String, locale: String?, timeZone: String?) throws(AdminRefusal) -> String? {
        try text("select portal_api.set_port_locale($1, $2, $3)", [port, locale, timeZone])
    }

    /// The raw key, shown once.
    public func createKey(port: String, label: String) throws(AdminRefusal) -> String? {
        try text("select portal_api.create_admin_key($1, $2)", [port, label])
    }

    public func revokeKey(_ id: String) throws(AdminRefusal) {
        _ = try run("select portal_api.revoke_admin_key($1)", [id])
    }

    public func listKeys(port: String?) throws(AdminRefusal) -> PQRows {
        try run("select id, port_id, label, created_at, revoked_at, last_used_at from portal_api.list_admin_keys($1)", [port])
    }

    // Portal users.

    /// `locale`: the client's own language (BCP 47, any case; nil: the port's).
    public func invite(client: String, email: String, name: String?, actor: String, locale: String? = nil) throws(AdminRefusal) {
        _ = try run("select portal_api.invite($1, $2, $3, $4, $5)", [client, email, name, actor, locale])
    }

    /// resend | disable | enable | unlock | revoke-sessions, through its DBA function. An invite
    /// needs an address: it is `invite(client:email:name:actor:)`, and refused here.
    public func perform(_ action: ClientAction, client: String, actor: String) throws(AdminRefusal) {
        let sql = switch action {
        case .invite:
            throw AdminRefusal(
                kind: .refused(.invalidRequest), code: PortalError.Reason.invalidRequest.rawValue,
                message: "an invite needs an email address")
        case .resend: "select portal_api.resend_activation($1, $2)"
        case .disable: "select portal_api.disable_portal_user($1, $2)"
        case .enable: "select portal_api.enable_portal_user($1, $2)"
        case .unlock: "select portal_api.unlock_portal_user($1, $2)"
        case .revokeSessions: "select portal_api.revoke_sessions($1, $2)"
        case .sendReset:
            throw AdminRefusal(
                kind: .refused(.invalidRequest), code: PortalError.Reason.invalidRequest.rawValue,
                message: "send-reset is the admin API's (POST /api/v1/clients/:id/portal-user?action=send-reset, limited per user)",
                hint: "an active user can use forgot-password; an invited one gets a fresh link with resend")
        }
        _ = try run(sql, [client, actor])
    }

    /// Deletes a client with its portal user, tokens, sessions and mail, and erases that person
    /// from the audit. Refused (`unavailable`, the wait in the hint) while one of its mails is
    /// being sent: nothing is deleted then.
    public func deleteClient(client: String, actor: String) throws(AdminRefusal) {
        _ = try run("select portal_api.delete_client($1, $2)", [client, actor])
    }

    /// The cut-over's activation mails for a port, as JSON counts: invited, withLiveLink, queued
    /// (would be, with `dryRun`), disabled.
    public func sendActivations(port: String, dryRun: Bool, actor: String) throws(AdminRefusal) -> String? {
        try text("select portal_api.send_activations($1, $2, $3)::text", [port, dryRun, actor])
    }

    /// Changes a portal user's address (an invited user's at once, with a fresh activation link;
    /// an active user's when the link mailed to the new address is used); the status with its
    /// `note`, as JSON text.
    public func changeEmail(client: String, email: String, actor: String) throws(AdminRefusal) -> String? {
        try text("select portal_api.change_email($1, $2, $3)::text", [client, email, actor])
    }

    /// The status object as JSON text.
    public func status(client: String) throws(AdminRefusal) -> String? {
        try text("select portal_api.portal_user_status($1)::text", [client])
    }

    public func audit(client: String?, limit: Int) throws(AdminRefusal) -> PQRows {
        try run(
            "select occurred_at, event, client_id, email, actor, on_behalf_of, ip, detail from portal_api.audit_events($1, $2)",
            [client, limit])
    }

    // Policy and retention.

    public func settings(named name: String? = nil) throws(AdminRefusal) -> PQRows {
        try run(
            "select name, value, allowed, description from portal_api.settings() where $1::text is null or name = $1", [name])
    }

    public func rateLimits(bucket: String? = nil) throws(AdminRefusal) -> PQRows {
        try run(
            "select bucket, max_hits, window_length, description from portal_api.rate_limits() where $1::text is null or bucket = $1",
            [bucket])
    }

    public func setSetting(_ name: String, to value: String) throws(AdminRefusal) {
        _ = try run("select portal_api.set_setting($1, $2)", [name, value])
    }

    public func setRateLimit(_ bucket: String, maxHits: Int, window: String) throws(AdminRefusal) {
        _ = try run("select portal_api.set_rate_limit($1, $2, $3::interval)", [bucket, maxHits, window])
    }

    /// The counts deleted, as JSON text.
    public func prune(olderThan: String) throws(AdminRefusal) -> String? {
        try text("select portal_api.prune($1::interval)::text", [olderThan])
    }

    // Operations (also on the CLI's neighbours: psql, the mailer).

    /// Expired leases and windows cleaned up; the number of rows touched.
    public func maintenance() throws(AdminRefusal) -> String? { try text("select portal_api.maintenance()::text") }
    /// The outbox by status.
    public func outboxStats() throws(AdminRefusal) -> OutboxStats {
        guard let json = try text("select portal_api.outbox_stats()"),
              let stats = try? JSONDecoder().decode(OutboxStats.self, from: Data(json.utf8))
        else {
            throw AdminRefusal(kind: .refused(.internalError), code: "internal_error", message: "unexpected answer from outbox_stats")
        }
        return stats
    }
    /// After a restore from a backup: everyone signed out, every outstanding link revoked (JSON counts).
    public func afterRestore() throws(AdminRefusal) -> String? { try text("select portal_api.after_restore()::text") }

    // Import: transactions around many calls.

    public func begin() throws(AdminRefusal) { _ = try run("begin") }
    public func commit() throws(AdminRefusal) { _ = try run("commit") }
    public func rollback() { _ = try? connection.query("rollback") }

    /// `created`, `updated` or `unchanged`; with `dryRun` an existing port is not written.
    public func importPort(id: String?, name: String?, actor: String, dryRun: Bool = false) throws(AdminRefusal) -> String {
        try text("select portal_api.import_port($1, $2, $3, $4)", [id, name, actor, dryRun]) ?? ""
    }

    /// `created`, `updated` or `unchanged`; with `dryRun` an existing client is not written.
    public func importClient(id: String?, port: String?, name: String?, billingEmail: String?, actor: String, dryRun: Bool = false)
        throws(AdminRefusal) -> String
    {
        try text("select portal_api.import_client($1, $2, $3, $4, $5, $6)", [id, port, name, billingEmail, actor, dryRun]) ?? ""
    }

    /// `created` or `unchanged`. Timestamps are passed as text and read by Postgres; `locale` is
    /// the client's own language (BCP 47, any case; nil or empty: the port's).
    public func importPortalUser(
        id: String?, port: String?, client: String?, email: String?, passwordHash: String?, name: String?, isActive: Bool,
        lastLoginAt: String?, createdBy: String?, createdAt: String?, actor: String, locale: String? = nil
    ) throws(AdminRefusal) -> String {
        try text(
            "select portal_api.import_portal_user($1, $2, $3, $4, $5, $6, $7, $8::timestamptz, $9, $10::timestamptz, $11, $12)",
            [id, port, client, email, passwordHash, name, isActive, lastLoginAt, createdBy, createdAt, actor, locale]) ?? ""
    }
}
