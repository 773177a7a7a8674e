import Foundation
import PQ

/// A portal user as the portal sees it (sign-in and `/me` responses).
public struct PortalUser: Codable, Sendable, Equatable {
    public let id: String
    public let email: String
    public let name: String?
    public let clientId: String
    public let portId: String
    /// The client's and the marina's names, for pages that greet by name.
    public let clientName: String?
    public let portName: String?
    /// The marina's contact, when it set one (`portal_api.set_port_contact`).
    public let supportPhone: String?
    public let supportEmail: String?
    /// The client's own language (a normalised BCP 47 tag), when they or staff chose one
    /// (`portal_api.set_portal_user_locale`, the invite's `locale`).
    public var locale: String? = nil
    /// The marina's default language (`portal_api.set_port_locale`), when it set one.
    public var portLocale: String? = nil

    public init(
        id: String, email: String, name: String?, clientId: String, portId: String, clientName: String?, portName: String?,
        supportPhone: String? = nil, supportEmail: String? = nil, locale: String? = nil, portLocale: String? = nil
    ) {
        self.id = id
        self.email = email
        self.name = name
        self.clientId = clientId
        self.portId = portId
        self.clientName = clientName
        self.portName = portName
        self.supportPhone = supportPhone
        self.supportEmail = supportEmail
        self.locale = locale
        self.portLocale = portLocale
    }
}

/// A portal user with the session epoch a new cookie must carry.
public struct SessionUser: Sendable, Equatable {
    public let user: PortalUser
    public let sessionEpoch: Int

    public init(user: PortalUser, sessionEpoch: Int) {
        self.user = user
        self.sessionEpoch = sessionEpoch
    }
}

/// The admin view of a client's portal user (`portal.user_status`).
public struct PortalUserStatus: Codable, Sendable, Equatable {
    public struct LastMail: Codable, Sendable, Equatable {
        public let id: Int
        public let kind: MailKind
        public let status: String
        public let attempts: Int
        public let createdAt: String
        public let sentAt: String?
        public let lastError: String?
    }

    /// The newest link mailed to the user and whether it still works.
    public struct Link: Codable, Sendable, Equatable {
        /// `live`, `expired`, `revoked`, `used` or `none`.
        public let state: String
        public let type: TokenType?
        public let expiresAt: String?
    }

    /// Nil (with `email`, `createdAt`, `failedAttempts`) while the client has no portal user.
    public let portalUserId: String?
    public let clientId: String
    public let portId: String
    public let email: String?
    public let name: String?
    public let state: AccountState
    /// What staff may do now: `invite` in state `none`, else `?action=` values.
    public let actions: [ClientAction]
    public let createdAt: String?
    public let activatedAt: String?
    public let lastLoginAt: String?
    public let failedAttempts: Int?
    public let lockedUntil: String?
    public let link: Link?
    /// What the action did besides its name (e.g. enabling mailed a fresh activation link).
    public let note: String?
    /// The address a live email-change link would move the user to.
    public var pendingEmail: String? = nil
    /// The client's own language (nil: the port's), the port's language and time zone.
    public var locale: String? = nil
    public var portLocale: String? = nil
    public var portTimeZone: String? = nil
    public let lastMail: LastMail?
}

/// What `token_status` says of a token.
public struct TokenStatus: Codable, Sendable, Equatable {
    /// `valid`, `expired`, `used` or `invalid`.
    public let status: String
    /// Nil for an invalid token.
    public let type: TokenType?
    /// The marina's name, for a valid token only.
    public let portName: String?
    /// The address a valid email-change token moves its account to.
    public var newEmail: String? = nil

    public static let invalid = TokenStatus(status: "invalid", type: nil, portName: nil)
}

/// A client as the CRM registered it (`PUT /api/v1/clients/:id`).
public struct ClientRecord: Codable, Sendable, Equatable {
    public let id: String
    public let portId: String
    public let name: String
    public let billingEmail: String?
    public let createdAt: String

    /// `billingEmail` is always present (null when there is none), like every field of a client.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(portId, forKey: .portId)
        try container.encode(name, forKey: .name)
        try container.encode(billingEmail, forKey: .billingEmail)
        try container.encode(createdAt, forKey: .createdAt)
    }
}

/// What `key_put_client` did: the client, and `created`, `updated` or `unchanged`.
public struct ClientPut: Codable, Sendable, Equatable {
    public let client: ClientRecord
    public let outcome: String
}

/// A refusal `key_put_client` answers as a value: `{"error": "id_taken" | "rate_limited", …}`.
struct ClientPutRefusal: Decodable {
    let code: String
    /// This port's client whose id differs only in case from the one asked for.
    let existingId: String?
    let retryAfter: Int?

    enum CodingKeys: String, CodingKey {
        case code = "error"
        case existingId, retryAfter
    }

    /// The refusal as the gateway tells it.
    var error: PortalError { code == "rate_limited" ? .rateLimited(retryAfter: retryAfter ?? 1) : Self.idTaken(existingId) }

    /// `id_taken`, in words: which id of this port collides, or (another port's) nothing more.
    static func idTaken(_ existing: String?) -> PortalError {
        if let existing {
            return PortalError(.idTaken, "A client of this port has an id differing only in case: \(existing). Use that id.")
        }
        return PortalError(
            .idTaken, "This client id is already in use. Client ids are unique across the deployment, whatever their case.")
    }
}

/// One row of a portal user's audit history, as support reads it (`portal.user_events`).
public struct AuditEntry: Codable, Sendable, Equatable {
    public let occurredAt: String
    public let event: String
    /// `admin_key:<id>`, a DBA's name, or `portal` (the portal's pages: the client, or whoever
    /// typed the address).
    public let actor: String
    /// The CRM staff user an admin-key call named (X-Portal-Actor): the key holder's claim.
    public let staffActor: String?
    /// `ok`, `failed`, `locked`, `refused`, `throttled` or `not_sent`.
    public let outcome: String
    public let reason: String?
}

/// A refusal a function answers as a value (so its audit row and its count survive):
/// `{"error": "rate_limited" | "mail_in_flight", "retryAfter": n}`.
struct ValueRefusal: Decodable {
    let error: String
    let retryAfter: Int?
}

/// The gateway's half of the SQL API (`portal_api`, role `portal_gateway`), one Swift function
/// per SQL function: the gateway's one door to the database. Every call is one round trip on a
/// pool connection; every failure arrives as a `PortalError` (mapped from the SQLSTATE, never the
/// text), so nothing above this type knows libpq.
public struct AuthStore: Sendable {
    let pool: ConnectionPool

    /// The functions this store calls: with `StoreGrants.everyRole`, exactly `portal_gateway`'s
    /// grants (a test compares the two).
    public static let functions: Set<String> = [
        "rate_limit_hit", "sign_in_gate", "sign_in_lookup", "sign_in_record", "upgrade_password_hash", "session_check",
        "sign_out", "request_password_reset", "token_status", "consume_token", "change_password_lookup", "change_password",
        "key_invite", "key_client_action", "key_client_status", "key_put_client", "outbox_stats", "hash_census",
        "key_delete_client", "key_user_events",
        "request_email_change", "confirm_email_change", "key_change_email", "set_portal_user_locale",
    ]

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    private static let decoder = JSONDecoder()

    /// One call of the SQL API. Every call is one statement in its own transaction, so one that
    /// lost a deadlock or a serialization conflict (40P01, 40001) is simply run again, up to
    /// three times; after that it is `unavailable` (with a retry-after) to the caller.
    @discardableResult
    private func query(_ sql: String, _ parameters: [any PQEncodable] = []) async throws -> StoreRows {
        var attempt = 1
        while true {
            do {
                return StoreRows(rows: try await pool.query(sql, parameters))
            } catch let error as PQError where SQLState.isRetryable(error.sqlState) && attempt < 3 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(5 * attempt))
            } catch let error as PQError {
                throw PortalError.from(error)
            }
        }
    }

    /// An answer the SQL API never gives: a bug, logged with what it was.
    static func unexpected(_ what: String) -> PortalError {
        var failure = PortalError.internalError
        failure.cause = "unexpected \(what)"
        return failure
    }

    /// Whether the gateway can serve (`/readyz`): `session_check` for a session that cannot
    /// exist, sent as `/me` sends it (the same statement, prepared when statements are), so a
    /// missing grant or a broken prepared-statement path fails the probe — `select 1` answered
    /// while every real call failed.
    public func ping() async throws {
        try await query("select portal_api.session_check($1, $2, $3)", ["", 0, ""])
    }

    /// `portal_api.hash_census`: the stored PHC hashes by scrypt parameters, most used first.
    public func hashCensus() async throws -> HashCensus {
        HashCensus(try await query("select ln, r, p, users from portal_api.hash_census()").map { row in
            HashCensus.Entry(ln: try row.require("ln"), r: try row.require("r"), p: try row.require("p"), users: try row.require("users"))
        })
    }

    /// Calls waiting for a pool connection (a gauge).
    public var waitingCalls: Int { pool.queuedJobs }

    /// `portal_api.outbox_stats`: mails by status and the oldest pending one's age.
    public func outboxStats() async throws -> OutboxStats {
        guard let stats = try await json(OutboxStats.self, "select portal_api.outbox_stats()", []) else {
            throw Self.unexpected("NULL from outbox_stats")
        }
        return stats
    }

    private func json<T: Decodable & Sendable>(_ type: T.Type, _ sql: String, _ parameters: [any PQEncodable]) async throws -> T? {
        guard let text: String = try await query(sql, parameters).scalar() else { return nil }
        do {
            return try Self.decoder.decode(T.self, from: Data(text.utf8))
        } catch {
            throw Self.unexpected("JSON from \(T.self)")
        }
    }

    /// `portal_api.rate_limit_hit`: 0 when allowed, else seconds to wait.
    public func rateLimitHit(bucket: String, key: String) async throws -> Int {
        try await query("select portal_api.rate_limit_hit($1, $2)", [bucket, key]).scalar(Int.self) ?? 0
    }

    /// `portal_api.sign_in_gate`: one sign-in hit for the address, refused (seconds to wait)
    /// while its failed checks are used up; 0 when allowed.
    public func signInGate(key: String) async throws -> Int {
        try await query("select portal_api.sign_in_gate($1)", [key]).scalar(Int.self) ?? 0
    }

    /// `portal_api.sign_in_lookup`: the user id (if the email is known) and the hash to verify
    /// (nil unless the account may sign in now).
    public func signInLookup(email: String) async throws -> (userID: String?, passwordHash: String?) {
        let rows = try await query("select user_id, password_hash from portal_api.sign_in_lookup($1)", [email])
        guard let row = rows.first else { return (nil, nil) }
        return (try row.decode("user_id"), try row.decode("password_hash"))
    }

    /// `portal_api.sign_in_record`: the user and session epoch on success (with `session`
    /// recorded, when given), nil on failure. A failure also spends the address's budget
    /// (`limitKey`, see `sign_in_gate`).
    public func signInRecord(
        email: String, userID: String?, seenHash: String?, ok: Bool, ip: String?, userAgent: String?, limitKey: String,
        session: NewSession?
    ) async throws -> SessionUser? {
        try await sessionUser(
            "select portal_api.sign_in_record($1, $2, $3, $4, $5::inet, $6, $7, $8, to_timestamp($9))",
            [email, userID, seenHash, ok, ip, userAgent, limitKey, session?.jti, session?.expiresAt])
    }

    /// `portal_api.upgrade_password_hash`: compare-and-swap; false when the hash changed meanwhile.
    public func upgradePasswordHash(userID: String, oldHash: String, newHash: String) async throws -> Bool {
        try await query("select portal_api.upgrade_password_hash($1, $2, $3)", [userID, oldHash, newHash]).scalar(Bool.self) ?? false
    }

    /// `portal_api.session_check`: the user while the session is valid, else nil.
    public func sessionCheck(userID: String, epoch: Int, jti: String) async throws -> PortalUser? {
        try await json(PortalUser.self, "select portal_api.session_check($1, $2, $3)", [userID, epoch, jti])
    }

    /// `portal_api.session_check`'s JSON text, undecoded: `/me` writes it into its answer as it
    /// is (decoding it to encode it again was a tenth of the gateway's CPU per request), so a
    /// backend calling `session_check` as `portal_reader` reads the very bytes `/me` sends.
    public func sessionCheckJSON(userID: String, epoch: Int, jti: String) async throws -> String? {
        guard let text: String = try await query("select portal_api.session_check($1, $2, $3)", [userID, epoch, jti]).scalar()
        else { return nil }
        guard text.utf8.first == UInt8(ascii: "{"), text.utf8.last == UInt8(ascii: "}") else {
            throw Self.unexpected("JSON from session_check")
        }
        return text
    }

    /// `portal_api.sign_out`: one session, or every session with `all`; false when the session
    /// was not live (already signed out, ended, or never issued).
    @discardableResult
    public func signOut(userID: String, epoch: Int, jti: String, expiresAt: Int, all: Bool, ip: String?, userAgent: String?)
        async throws -> Bool
    {
        try await query(
            "select portal_api.sign_out($1, $2, $3, to_timestamp($4), $5, $6::inet, $7)",
            [userID, epoch, jti, expiresAt, all, ip, userAgent]
        ).scalar(Bool.self) ?? false
    }

    /// `portal_api.request_password_reset`: silent either way.
    public func requestPasswordReset(email: String, ip: String?, userAgent: String?) async throws {
        try await query("select portal_api.request_password_reset($1, $2::inet, $3)", [email, ip, userAgent])
    }

    /// `portal_api.token_status` for the SHA-256 of a raw token.
    public func tokenStatus(tokenHash: [UInt8]) async throws -> TokenStatus {
        try await json(TokenStatus.self, "select portal_api.token_status($1)", [tokenHash]) ?? .invalid
    }

    /// `portal_api.consume_token`: uses the token once and sets the password hash; with
    /// `session`, signs the client in (that session recorded in the new epoch).
    public func consumeToken(
        type: TokenType, tokenHash: [UInt8], passwordHash: String, ip: String?, userAgent: String?, session: NewSession?
    ) async throws -> SessionUser {
        guard let user = try await sessionUser(
            "select portal_api.consume_token($1, $2, $3, $4::inet, $5, $6, to_timestamp($7))",
            [type.rawValue, tokenHash, passwordHash, ip, userAgent, session?.jti, session?.expiresAt])
        else { throw Self.unexpected("NULL from consume_token") }
        return user
    }

    /// `portal_api.request_email_change`: a confirmation link to a free address and a notice to
    /// the current one, or a note to an address in use (the same answer); `password_conflict`
    /// when the hash is no longer `seenHash` or the account is locked.
    public func requestEmailChange(userID: String, seenHash: String, newEmail: String, ip: String?, userAgent: String?)
        async throws
    {
        try await query(
            "select portal_api.request_email_change($1, $2, $3, $4::inet, $5)", [userID, seenHash, newEmail, ip, userAgent])
    }

    /// `portal_api.confirm_email_change`: uses the link once; the account moves to its address and
    /// every session ends. `invalid_token`, or `email_taken` when another account took the address.
    public func confirmEmailChange(tokenHash: [UInt8], ip: String?, userAgent: String?) async throws -> PortalUser {
        guard let user = try await json(
            PortalUser.self, "select portal_api.confirm_email_change($1, $2::inet, $3)", [tokenHash, ip, userAgent])
        else { throw Self.unexpected("NULL from confirm_email_change") }
        return user
    }

    /// `portal_api.key_change_email`: change a portal user's address within the key's port.
    public func keyChangeEmail(keyHash: [UInt8], clientID: String, email: String, staffActor: String?) async throws
        -> PortalUserStatus?
    {
        try await json(
            PortalUserStatus.self, "select portal_api.key_change_email($1, $2, $3, $4)", [keyHash, clientID, email, staffActor])
    }

    /// `portal_api.change_password_lookup`: whether the session is valid, and the hash to verify
    /// the current password against (nil while the account is locked).
    public func changePasswordLookup(userID: String, epoch: Int, jti: String) async throws -> (sessionValid: Bool, passwordHash: String?) {
        let rows = try await query(
            "select session_valid, password_hash from portal_api.change_password_lookup($1, $2, $3)", [userID, epoch, jti])
        guard let row = rows.first else { return (false, nil) }
        return (try row.decode("session_valid") ?? false, try row.decode("password_hash"))
    }

    /// `portal_api.change_password`: compare-and-swap; ends every session and records `session`,
    /// the caller's new one; returns the user with the new epoch.
    public func changePassword(
        userID: String, oldHash: String, newHash: String, ip: String?, userAgent: String?, session: NewSession
    ) async throws -> SessionUser {
        guard let user = try await sessionUser(
            "select portal_api.change_password($1, $2, $3, $4::inet, $5, $6, to_timestamp($7))",
            [userID, oldHash, newHash, ip, userAgent, session.jti, session.expiresAt])
        else { throw Self.unexpected("NULL from change_password") }
        return user
    }

    /// `portal_api.set_portal_user_locale`: the client's own language (nil clears it), for the
    /// session of these claims; the user with it, or nil when the session is not live.
    public func setPortalUserLocale(userID: String, epoch: Int, jti: String, locale: String?) async throws -> PortalUser? {
        try await json(
            PortalUser.self, "select portal_api.set_portal_user_locale($1, $2, $3, $4)", [userID, epoch, jti, locale])
    }

    /// `portal_api.key_invite`: invite within the admin key's port, in `locale` (nil: the port's).
    /// An address already in use answers `{"error": "email_taken"}` (so the database keeps its
    /// audit row): thrown here as PA002, like every other path that meets it.
    public func keyInvite(
        keyHash: [UInt8], clientID: String, email: String, name: String?, staffActor: String?, locale: String? = nil
    ) async throws -> PortalUserStatus? {
        guard let text: String = try await query(
            "select portal_api.key_invite($1, $2, $3, $4, $5, $6)", [keyHash, clientID, email, name, staffActor, locale]).scalar()
        else { return nil }
        if text.hasPrefix(#"{"error""#) { throw PortalError.from(PQError(kind: .query, sqlState: SQLState.emailTaken, message: "email taken")) }
        do {
            return try Self.decoder.decode(PortalUserStatus.self, from: Data(text.utf8))
        } catch {
            throw Self.unexpected("JSON from key_invite")
        }
    }

    /// `portal_api.key_client_action`: resend | disable | enable | unlock | revoke-sessions |
    /// send-reset. send-reset past its per-user limit answers `{"error": "rate_limited",
    /// "retryAfter": n}` (so the refusal's audit row and the count stay): thrown here.
    public func keyClientAction(keyHash: [UInt8], clientID: String, action: ClientAction, staffActor: String?) async throws
        -> PortalUserStatus?
    {
        guard let text: String = try await query(
            "select portal_api.key_client_action($1, $2, $3, $4)", [keyHash, clientID, action.rawValue, staffActor]).scalar()
        else { return nil }
        if let refusal = try? Self.decoder.decode(ValueRefusal.self, from: Data(text.utf8)) {
            throw PortalError.rateLimited(retryAfter: refusal.retryAfter ?? 1)
        }
        do {
            return try Self.decoder.decode(PortalUserStatus.self, from: Data(text.utf8))
        } catch {
            throw Self.unexpected("JSON from key_client_action")
        }
    }

    /// `portal_api.key_delete_client`: the client, its portal user, tokens, sessions and mail go;
    /// the person is erased from the audit. While a mailer holds one of its mails the database
    /// answers `{"error": "mail_in_flight", "retryAfter": n}` and deletes nothing: thrown here as
    /// `unavailable` with that wait.
    public func keyDeleteClient(keyHash: [UInt8], clientID: String, staffActor: String?) async throws {
        let text: String? = try await query(
            "select portal_api.key_delete_client($1, $2, $3)", [keyHash, clientID, staffActor]).scalar()
        if let text, let refusal = try? Self.decoder.decode(ValueRefusal.self, from: Data(text.utf8)) {
            throw PortalError(
                .unavailable, "A mail to this client is being sent right now; nothing was deleted. Please try again shortly.",
                retryAfter: max(1, refusal.retryAfter ?? 1))
        }
    }

    /// `portal_api.key_user_events`: the portal user's audit history, newest first.
    public func keyUserEvents(keyHash: [UInt8], clientID: String, limit: Int) async throws -> [AuditEntry] {
        try await json([AuditEntry].self, "select portal_api.key_user_events($1, $2, $3)", [keyHash, clientID, limit]) ?? []
    }

    /// `portal_api.key_put_client`: create or update a client of the key's port under its id.
    /// Its refusals arrive as values (so the database keeps the audit row and the count of an id
    /// another port holds) and are thrown here: `id_taken` (another port's id, said no more
    /// precisely; or, naming it, this port's client whose id differs only in case) and
    /// `rate_limited` (the key's refusals are used up).
    /// `locale`, when given, becomes the language of the client's portal user (if it has one).
    public func keyPutClient(
        keyHash: [UInt8], clientID: String, name: String, billingEmail: String?, staffActor: String?, locale: String? = nil
    ) async throws -> ClientPut? {
        guard let text: String = try await query(
            "select portal_api.key_put_client($1, $2, $3, $4, $5, $6)", [keyHash, clientID, name, billingEmail, staffActor, locale])
            .scalar()
        else { return nil }
        if let refusal = try? Self.decoder.decode(ClientPutRefusal.self, from: Data(text.utf8)) {
            throw refusal.error
        }
        do {
            return try Self.decoder.decode(ClientPut.self, from: Data(text.utf8))
        } catch {
            throw Self.unexpected("JSON from key_put_client")
        }
    }

    /// `portal_api.key_client_status`.
    public func keyClientStatus(keyHash: [UInt8], clientID: String) async throws -> PortalUserStatus? {
        try await json(PortalUserStatus.self, "select portal_api.key_client_status($1, $2)", [keyHash, clientID])
    }

    private struct SessionUserJSON: Decodable, Sendable {
        let id: String
        let email: String
        let name: String?
        let clientId: String
        let portId: String
        let clientName: String?
        let portName: String?
        let supportPhone: String?
        let supportEmail: String?
        let locale: String?
        let portLocale: String?
        let sessionEpoch: Int
    }

    private func sessionUser(_ sql: String, _ parameters: [any PQEncodable]) async throws -> SessionUser? {
        guard let raw = try await json(SessionUserJSON.self, sql, parameters) else { return nil }
        return SessionUser(
            user: PortalUser(
                id: raw.id, email: raw.email, name: raw.name, clientId: raw.clientId, portId: raw.portId,
                clientName: raw.clientName, portName: raw.portName, supportPhone: raw.supportPhone,
                supportEmail: raw.supportEmail, locale: raw.locale, portLocale: raw.portLocale),
            sessionEpoch: raw.sessionEpoch)
    }
}
