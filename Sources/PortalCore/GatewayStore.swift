/// The gateway's door to the database, as a protocol: `AuthStore` is the Postgres one (role
/// `portal_gateway`, one SQL function per method); the tests' in-memory fake lets the gateway's
/// HTTP behaviour be tested without a database (`GatewayRouterTests`). Every failure is a
/// `PortalError`.
public protocol GatewayStore: Sendable {
    /// Whether the gateway can serve (`/readyz`): its own per-request call answers.
    func ping() async throws
    /// Calls waiting for a connection (a gauge).
    var waitingCalls: Int { get }
    func outboxStats() async throws -> OutboxStats

    func rateLimitHit(bucket: String, key: String) async throws -> Int
    func signInGate(key: String) async throws -> Int
    func signInLookup(email: String) async throws -> (userID: String?, passwordHash: String?)
    /// On success, records `session` (when given): the cookie built from it is then valid.
    func signInRecord(
        email: String, userID: String?, seenHash: String?, ok: Bool, ip: String?, userAgent: String?, limitKey: String,
        session: NewSession?
    ) async throws -> SessionUser?
    func upgradePasswordHash(userID: String, oldHash: String, newHash: String) async throws -> Bool
    func sessionCheck(userID: String, epoch: Int, jti: String) async throws -> PortalUser?
    /// `sessionCheck`'s answer as the database wrote it (a JSON object), for `/me` to pass on.
    func sessionCheckJSON(userID: String, epoch: Int, jti: String) async throws -> String?
    @discardableResult
    func signOut(userID: String, epoch: Int, jti: String, expiresAt: Int, all: Bool, ip: String?, userAgent: String?) async throws -> Bool
    func requestPasswordReset(email: String, ip: String?, userAgent: String?) async throws
    func tokenStatus(tokenHash: [UInt8]) async throws -> TokenStatus
    /// With `session`, records it (the client is signed in, like a sign-in).
    func consumeToken(
        type: TokenType, tokenHash: [UInt8], passwordHash: String, ip: String?, userAgent: String?, session: NewSession?
    ) async throws -> SessionUser
    func requestEmailChange(userID: String, seenHash: String, newEmail: String, ip: String?, userAgent: String?) async throws
    func confirmEmailChange(tokenHash: [UInt8], ip: String?, userAgent: String?) async throws -> PortalUser
    func changePasswordLookup(userID: String, epoch: Int, jti: String) async throws -> (sessionValid: Bool, passwordHash: String?)
    /// The client's own language (a normalised BCP 47 tag; nil clears it), for a live session
    /// only (`portal_api.set_portal_user_locale`): the user with it, or nil when not live.
    func setPortalUserLocale(userID: String, epoch: Int, jti: String, locale: String?) async throws -> PortalUser?
    /// Ends every session of the user and records `session`, the caller's new one.
    func changePassword(
        userID: String, oldHash: String, newHash: String, ip: String?, userAgent: String?, session: NewSession
    ) async throws -> SessionUser

    // The admin API: `staffActor` is the CRM staff user the call names (X-Portal-Actor), recorded
    // in the audit beside the key.
    /// `locale`: the client's own language (nil: the port's).
    func keyInvite(keyHash: [UInt8], clientID: String, email: String, name: String?, staffActor: String?, locale: String?)
        async throws -> PortalUserStatus?
    func keyClientAction(keyHash: [UInt8], clientID: String, action: ClientAction, staffActor: String?) async throws
        -> PortalUserStatus?
    /// `locale`, when given, becomes the language of the client's portal user (nil: unchanged).
    func keyPutClient(
        keyHash: [UInt8], clientID: String, name: String, billingEmail: String?, staffActor: String?, locale: String?
    ) async throws -> ClientPut?
    /// Deletes the client with its portal user; `unavailable` with Retry-After while one of its
    /// mails is being sent (nothing deleted).
    func keyDeleteClient(keyHash: [UInt8], clientID: String, staffActor: String?) async throws
    func keyUserEvents(keyHash: [UInt8], clientID: String, limit: Int) async throws -> [AuditEntry]
    func keyClientStatus(keyHash: [UInt8], clientID: String) async throws -> PortalUserStatus?
    func keyChangeEmail(keyHash: [UInt8], clientID: String, email: String, staffActor: String?) async throws -> PortalUserStatus?
}

extension AuthStore: GatewayStore {}
