import Foundation
import Logging
import PortalCrypto

/// The gateway's use cases: sign-in, forgot/reset, activation, token status, change password,
/// sessions, the admin API, readiness. Controllers decode a request, call these, and shape the
/// reply; the store and its rate limits are reached through here only (each use case spends its
/// own rate-limit buckets), so no controller calls the database itself.
public struct PortalService: Sendable {
    let store: any GatewayStore
    public let hashPool: WorkerPool
    public let policy: PasswordPolicy
    public let scrypt: ScryptParameters
    public let logger: Logger
    /// The scrypt work, through one seam: `PasswordHasher.scrypt`, or in tests one that counts.
    let hasher: PasswordHasher
    /// Users whose stored hash was refused, so the warning is logged once per user and process.
    private let refusedHashes = OnceSet()
    /// One sign-in record per account at a time (`OnePerKey`): a held user row ties up one
    /// connection of the pool, not all of them.
    private let signInRecords = OnePerKey()
    /// How long a sign-in waits here behind another of the same account: twice the gateway
    /// role's lock_timeout (500 ms, 0015), so it outwaits a row held for a normal write.
    static let signInRecordPatience: Duration = .seconds(1)

    public init(
        store: any GatewayStore, hashPool: WorkerPool, policy: PasswordPolicy, scrypt: ScryptParameters, logger: Logger,
        hasher: PasswordHasher = .scrypt
    ) {
        self.store = store
        self.hashPool = hashPool
        self.policy = policy
        self.scrypt = scrypt
        self.logger = logger
        self.hasher = hasher
    }

    /// One hit on `bucket` for `key`; `rateLimited` with the wait when the window is spent.
    private func limit(_ bucket: String, _ key: String) async throws {
        let wait = try await store.rateLimitHit(bucket: bucket, key: key)
        if wait > 0 { throw PortalError.rateLimited(retryAfter: wait) }
    }

    /// Signs in, or throws `invalidCredentials` — the same error, after the same scrypt work,
    /// whether the email is unknown, not activated, disabled, locked, or the password wrong.
    ///
    /// `limitKey` is the caller's rate-limit key: it passes the sign-in gate first (`sign_in_ip`,
    /// and an address whose failed checks are spent is refused before any scrypt), and a failure
    /// spends that address's budget of failed checks (`sign_in_fail_ip`) before it counts toward
    /// the account's lock. On success the database records `session`; the caller builds the
    /// cookie from the same value.
    public func signIn(
        email: String, password: String, ip: String?, userAgent: String?, limitKey: String, session: NewSession
    ) async throws -> SessionUser {
        let wait = try await store.signInGate(key: limitKey)
        if wait > 0 { throw PortalError.rateLimited(retryAfter: wait) }
        let (userID, storedHash) = try await store.signInLookup(email: email)
        let verification = try await verify(password, against: storedHash, userID: userID)
        let store = self.store
        let record = { @Sendable () async throws -> SessionUser? in
            try await store.signInRecord(
                email: email, userID: userID, seenHash: storedHash, ok: verification.matches, ip: ip, userAgent: userAgent,
                limitKey: limitKey, session: session)
        }
        // An unknown email locks no row: nothing to wait behind.
        let recorded = if let userID {
            try await signInRecords.run(key: userID, patience: Self.signInRecordPatience, record)
        } else {
            try await record()
        }
        guard let user = recorded else { throw PortalError.invalidCredentials }
        if verification.needsRehash, let storedHash {
            upgrade(userID: user.user.id, oldHash: storedHash, normalized: PasswordPolicy.normalize(password))
        }
        return user
    }

    /// Verifies on the hash pool: against `storedHash`, or a dummy at the current parameters when
    /// there is none (unknown, not activated, disabled, locked), so every outcome costs the same.
    private func verify(_ password: String, against storedHash: String?, userID: String?) async throws -> PasswordHash.Verification {
        let normalized = PasswordPolicy.normalize(password)
        let scrypt = self.scrypt
        let hasher = self.hasher
        let verification = try await hashPool.run {
            if let storedHash {
                return hasher.verify(password, normalized, storedHash, scrypt)
            }
            hasher.dummy(normalized, scrypt)
            return PasswordHash.Verification(matches: false, needsRehash: false)
        }
        if verification.refused, let userID, refusedHashes.firstTime(userID) {
            logger.warning("stored password hash refused: its scrypt parameters exceed twice this gateway's memory or its p", metadata: [
                "user": "\(userID)", "scrypt": "\(scrypt)",
            ])
        }
        return verification
    }

    /// Re-hashes a legacy or weaker hash with the current parameters, off the request's path.
    /// A compare-and-swap: if the password changed meanwhile, nothing is written.
    private func upgrade(userID: String, oldHash: String, normalized: String) {
        let service = self
        Task {
            do {
                let scrypt = service.scrypt
                let hasher = service.hasher
                let newHash = try await service.hashPool.run { try? hasher.make(normalized, scrypt) }
                guard let newHash else { return }
                let swapped = try await service.store.upgradePasswordHash(userID: userID, oldHash: oldHash, newHash: newHash)
                service.logger.info("password hash upgraded", metadata: ["user": "\(userID)", "swapped": "\(swapped)"])
            } catch {
                service.logger.warning("password hash upgrade skipped", metadata: ["reason": "\(error)"])
            }
        }
    }

    /// Forgot password: silent whether or not the account exists. Spends `forgot_ip` for `limitKey`.
    public func requestPasswordReset(email: String, ip: String?, userAgent: String?, limitKey: String) async throws {
        try await limit("forgot_ip", limitKey)
        try await store.requestPasswordReset(email: email, ip: ip, userAgent: userAgent)
    }

    /// Read-only status of a raw token; a malformed token is simply invalid. Spends `token_ip`.
    public func tokenStatus(rawToken: String, limitKey: String) async throws -> TokenStatus {
        try await limit("token_ip", limitKey)
        guard TokenKey.isWellFormed(rawToken) else { return .invalid }
        return try await store.tokenStatus(tokenHash: TokenKey.hash(rawToken: rawToken))
    }

    /// Activation (`type` = activation) or reset: the policy is checked first, so a weak attempt
    /// leaves the token alive; then the token's status (cheap) so a dead link costs no scrypt; then
    /// the hash, and the single-use consume in the database, which records `session`: the client
    /// is signed in. Spends `token_ip` first.
    public func setPassword(
        type: TokenType, rawToken: String, password: String, ip: String?, userAgent: String?, limitKey: String,
        session: NewSession
    ) async throws -> SessionUser {
        try await limit("token_ip", limitKey)
        guard type != .emailChange, TokenKey.isWellFormed(rawToken) else { throw PortalError.invalidToken }
        let violations = policy.violations(of: password)
        guard violations.isEmpty else { throw PortalError.weakPassword(violations) }
        let tokenHash = TokenKey.hash(rawToken: rawToken)
        let status = try await store.tokenStatus(tokenHash: tokenHash)
        guard status.status == "valid", status.type == type else { throw PortalError.invalidToken }
        let newHash = try await hash(password)
        return try await store.consumeToken(
            type: type, tokenHash: tokenHash, passwordHash: newHash, ip: ip, userAgent: userAgent, session: session)
    }

    /// Change email for a signed-in user, with the current password: the same answer whether or
    /// not another account has `newEmail` (the database mails a confirmation link to a free
    /// address and a notice to the current one, or a note to the taken address instead).
    ///
    /// Rate-limited per user and per address. Like change-password, a wrong password counts as a
    /// failed sign-in (same counter, same lock, audit row), and while the account is locked the
    /// password is checked against nothing, so even the right one fails.
    public func changeEmail(
        claims: SessionClaims, email: String, password: String, newEmail: String, ip: String?, userAgent: String?,
        limitKey: String
    ) async throws {
        try await limit("change_email_user", claims.sub)
        try await limit("change_email_ip", limitKey)
        let (sessionValid, storedHash) = try await store.changePasswordLookup(userID: claims.sub, epoch: claims.sv, jti: claims.jti)
        guard sessionValid else { throw PortalError.unauthenticated }
        let verification = try await verify(password, against: storedHash, userID: claims.sub)
        guard verification.matches, let storedHash else {
            _ = try await store.signInRecord(
                email: email, userID: claims.sub, seenHash: storedHash, ok: false, ip: ip, userAgent: userAgent,
                limitKey: limitKey, session: nil)
            throw PortalError.wrongCurrentPassword
        }
        try await store.requestEmailChange(userID: claims.sub, seenHash: storedHash, newEmail: newEmail, ip: ip, userAgent: userAgent)
    }

    /// Uses an email-change link: the account moves to the address the link confirms and every
    /// session ends. Spends `token_ip`. `invalidToken` for a link that is malformed, unknown, used,
    /// revoked, expired or of another kind; `emailTaken` when another account took the address.
    public func confirmEmailChange(rawToken: String, ip: String?, userAgent: String?, limitKey: String) async throws -> PortalUser {
        try await limit("token_ip", limitKey)
        guard TokenKey.isWellFormed(rawToken) else { throw PortalError.invalidToken }
        return try await store.confirmEmailChange(tokenHash: TokenKey.hash(rawToken: rawToken), ip: ip, userAgent: userAgent)
    }

    /// Change password for a signed-in user; every session ends, and the caller gets a new one:
    /// `session`, recorded by the database in the same transaction.
    ///
    /// Rate-limited per user and per address. A wrong current password counts as a failed
    /// sign-in (same counter, same lock, audit row); while the account is locked the current
    /// password is checked against nothing (a dummy run), so even the right one fails.
    public func changePassword(
        claims: SessionClaims, email: String, currentPassword: String, newPassword: String, ip: String?, userAgent: String?,
        limitKey: String, session: NewSession
    ) async throws -> SessionUser {
        try await limit("change_password_user", claims.sub)
        try await limit("change_password_ip", limitKey)
        let violations = policy.violations(of: newPassword)
        guard violations.isEmpty else { throw PortalError.weakPassword(violations) }
        let (sessionValid, storedHash) = try await store.changePasswordLookup(userID: claims.sub, epoch: claims.sv, jti: claims.jti)
        guard sessionValid else { throw PortalError.unauthenticated }
        let verification = try await verify(currentPassword, against: storedHash, userID: claims.sub)
        guard verification.matches, let storedHash else {
            _ = try await store.signInRecord(
                email: email, userID: claims.sub, seenHash: storedHash, ok: false, ip: ip, userAgent: userAgent,
                limitKey: limitKey, session: nil)
            throw PortalError.wrongCurrentPassword
        }
        let newHash = try await hash(newPassword)
        return try await store.changePassword(
            userID: claims.sub, oldHash: storedHash, newHash: newHash, ip: ip, userAgent: userAgent, session: session)
    }

    /// A PHC hash of the NFKC form, on the hash pool.
    private func hash(_ password: String) async throws -> String {
        let normalized = PasswordPolicy.normalize(password)
        let scrypt = self.scrypt
        let hasher = self.hasher
        guard let hash = try await hashPool.run({ try? hasher.make(normalized, scrypt) }) else {
            throw PortalError.internalError
        }
        return hash
    }

    // Sessions.

    /// The user of a session whose cookie verified, when the database says it is live (`session_check`).
    public func sessionUser(_ claims: SessionClaims) async throws -> PortalUser? {
        try await store.sessionCheck(userID: claims.sub, epoch: claims.sv, jti: claims.jti)
    }

    /// The client's own language, chosen on the pages: stored on the user (the next mail is
    /// written in it too), for the session of `claims` only; nil clears it (the port's language
    /// again). Returns the user with it; `unauthenticated` when the session is not live.
    /// The pages' language switch, once signed in, calls this (`portal_api.set_portal_user_locale`).
    public func setLocale(_ claims: SessionClaims, locale: LanguageTag?) async throws -> PortalUser {
        guard let user = try await store.setPortalUserLocale(
            userID: claims.sub, epoch: claims.sv, jti: claims.jti, locale: locale?.description)
        else { throw PortalError.unauthenticated }
        return user
    }

    /// `sessionUser` as the database wrote it (a JSON object), for `/me` to pass on unchanged.
    public func sessionUserJSON(_ claims: SessionClaims) async throws -> String? {
        try await store.sessionCheckJSON(userID: claims.sub, epoch: claims.sv, jti: claims.jti)
    }

    /// Ends the session of `claims` (`all`: every session of its user).
    public func signOut(_ claims: SessionClaims, all: Bool, ip: String?, userAgent: String?) async throws {
        try await store.signOut(
            userID: claims.sub, epoch: claims.sv, jti: claims.jti, expiresAt: claims.exp, all: all, ip: ip, userAgent: userAgent)
    }

    // Operations.

    /// Whether the gateway can serve (`/readyz`): its own per-request call answers.
    public func ready() async throws { try await store.ping() }

    /// Database calls waiting for a connection (a gauge).
    public var waitingCalls: Int { store.waitingCalls }

    /// The outbox by status, as the database records the mailers' work (gauges).
    public func outboxStats() async throws -> OutboxStats { try await store.outboxStats() }
}

/// The scrypt work of the portal's use cases, as values: `scrypt` runs `PasswordHash`; a test
/// wraps it to count what a request spends (one verification, or one dummy run, per sign-in).
public struct PasswordHasher: Sendable {
    /// Verifies a password (as typed, and NFKC-normalized) against a stored hash at the current parameters.
    public var verify: @Sendable (_ asTyped: String, _ normalized: String, _ stored: String, _ current: ScryptParameters)
        -> PasswordHash.Verification
    /// One run at `current` whose result is discarded: what an account without a usable hash costs.
    public var dummy: @Sendable (_ normalized: String, _ current: ScryptParameters) -> Void
    /// A new PHC hash of the normalized password.
    public var make: @Sendable (_ normalized: String, _ parameters: ScryptParameters) throws -> String

    public init(
        verify: @escaping @Sendable (String, String, String, ScryptParameters) -> PasswordHash.Verification,
        dummy: @escaping @Sendable (String, ScryptParameters) -> Void,
        make: @escaping @Sendable (String, ScryptParameters) throws -> String
    ) {
        self.verify = verify
        self.dummy = dummy
        self.make = make
    }

    /// `PasswordHash` itself.
    public static let scrypt = PasswordHasher(
        verify: { PasswordHash.verify(asTyped: $0, normalized: $1, stored: $2, current: $3) },
        dummy: { PasswordHash.runDummy(password: $0, parameters: $1) },
        make: { try PasswordHash.make(password: $0, parameters: $1) })
}

/// Remembers keys, so something is done the first time a key is seen (at most 10,000 keys).
final class OnceSet: @unchecked Sendable {
    private let lock = NSLock()
    private var seen = Set<String>()

    /// True the first time `key` is passed.
    func firstTime(_ key: String) -> Bool {
        lock.withLock {
            guard seen.count < 10_000 else { return false }
            return seen.insert(key).inserted
        }
    }
}
