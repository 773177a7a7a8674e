import Foundation
import PQ

/// Whether the role a process connects as may call what the process calls, and the one sentence
/// that says so when it may not. A gateway started with the mailer's role (or the reverse)
/// reached the database, so "database reachable" was true, and then every call failed with
/// SQLSTATE 42501: the sentence names the role, the process, what is missing and the fix.
public struct RoleGrants: Sendable {
    /// "the gateway", "the mailer".
    public let process: String
    /// The role this process is meant to connect as (or a role granted it).
    public let role: String
    /// The `portal_api` functions the process calls (its store's `functions`).
    public let functions: Set<String>

    public init(process: String, role: String, functions: Set<String>) {
        self.process = process
        self.role = role
        self.functions = functions
    }

    public static let gateway = RoleGrants(process: "the gateway", role: "portal_gateway", functions: AuthStore.functions)
    public static let mailer = RoleGrants(process: "the mailer", role: "portal_mailer", functions: OutboxStore.functions)

    /// One catalogue query, no function called: the connected role, and each of `functions` it
    /// may not execute (with its arguments, as a GRANT names it; `missing` when it does not
    /// exist), plus `USAGE on schema portal_api` when that is what lacks.
    static let query = """
        select current_user::text as role,
               coalesce((select has_schema_privilege(current_user, n.oid, 'usage')
                           from pg_namespace n where n.nspname = 'portal_api'), false) as usage,
               coalesce(string_agg(coalesce(p.oid::regprocedure::text, 'portal_api.' || f.name || ' (missing)'), ', '
                                   order by f.name)
                          filter (where p.oid is null or not has_function_privilege(current_user, p.oid, 'execute')), '')
                 as denied
          from unnest(string_to_array($1, ',')) as f(name)
          left join pg_proc p
            on p.proname = f.name and p.pronamespace = (select oid from pg_namespace where nspname = 'portal_api')
        """

    /// What the connected role lacks.
    public struct Finding: Sendable, Equatable {
        public let role: String
        /// `portal_api.sign_in_lookup(text)`, … (sorted); empty when nothing lacks.
        public let denied: [String]
        public let schemaUsage: Bool
        public var isComplete: Bool { denied.isEmpty && schemaUsage }

        public init(role: String, denied: [String], schemaUsage: Bool) {
            self.role = role
            self.denied = denied
            self.schemaUsage = schemaUsage
        }
    }

    /// Runs the catalogue query on `pool`; remembers the role for `denial(_:)`.
    public func check(on pool: ConnectionPool) async throws -> Finding {
        let rows = try await pool.query(Self.query, [functions.sorted().joined(separator: ",")])
        guard let row = rows.first else { throw PQError(kind: .decoding, message: "no row from the grant check") }
        let role = row["role"] ?? "?"
        ConnectedRole.shared.set(role)
        let denied = (row["denied"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        return Finding(role: role, denied: denied, schemaUsage: row["usage"] == "t")
    }

    /// "role portal_mailer cannot execute portal_api.sign_in_lookup(text), …: the gateway needs
    /// DATABASE_URL with user=portal_gateway (or a role granted portal_gateway)".
    public func sentence(_ finding: Finding) -> String {
        var lacks: [String] = []
        if !finding.schemaUsage { lacks.append("use schema portal_api") }
        if !finding.denied.isEmpty { lacks.append("execute " + finding.denied.joined(separator: ", ")) }
        return "role \(finding.role) cannot \(lacks.joined(separator: " or ")): \(fix)"
    }

    /// The sentence for a statement refused with SQLSTATE 42501 at run time: the role (as the
    /// start-up check found it), what the server denied, the fix.
    public func denial(_ serverMessage: String) -> String {
        let role = ConnectedRole.shared.get().map { "role \($0)" } ?? "the role in DATABASE_URL"
        let what = serverMessage.isEmpty ? "" : " (\(serverMessage))"
        return "\(role) was refused a call \(process) makes\(what), SQLSTATE 42501: \(fix)"
    }

    private var fix: String {
        "\(process) needs DATABASE_URL with user=\(role) (or a role granted \(role))"
    }
}

/// The role the process found itself connected as (the grant check's `current_user`), for the
/// 42501 sentence logged far from where the check ran.
final class ConnectedRole: @unchecked Sendable {
    static let shared = ConnectedRole()
    private let lock = NSLock()
    private var role: String?

    func set(_ role: String) { lock.withLock { self.role = role } }
    func get() -> String? { lock.withLock { role } }
}

extension PortalError {
    /// What the server denied when the call was refused for a missing privilege (SQLSTATE 42501),
    /// e.g. `permission denied for function sign_in_lookup` (empty if it said nothing); nil for
    /// any other failure.
    public var privilegeDenial: String? {
        let prefix = "query sqlstate \(SQLState.insufficientPrivilege)"
        guard let cause, cause.hasPrefix(prefix) else { return nil }
        let rest = cause.dropFirst(prefix.count)
        return rest.hasPrefix(": ") ? String(rest.dropFirst(2)) : ""
    }
}
