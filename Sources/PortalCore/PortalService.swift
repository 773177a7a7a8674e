import Foundation
import Logging
import PortalCrypto

/// The portal's use cases: sign-in, forgot/reset, activation, token status, change password.
/// Controllers decode a request, call one of these, and shape the reply.
public struct PortalService: Sendable {
    public let store: any GatewayStore
    public let hashPool: WorkerPool
    public let policy: PasswordPolicy
    public let scrypt: ScryptParameters
    public let logger: Logger
    /// Users whose stored hash was refused, so the warning is logged once per user and process.
    private let refusedHashes = OnceSet()
    /// One sign-in record per account at a time (`OnePerKey`): a held user row ties up one
    /// connection of the pool, not all of them.
    private let signInRecords = OnePerKey()
    /// How long a sign-in waits here behind another of the same account: twice the gateway
    /// role's lock_timeout (500 ms, 0015), so it outwaits a row held for a normal write.
    static let signInRecordPatience: Duration = .seconds(1)

    public init(store: any GatewayStore, hashPool: WorkerPool, policy: PasswordPolicy, scrypt: ScryptParameters, logger: Logger) {
        self.store = store
        self.hashPool = hashPool
        self.policy = policy
        self.scrypt = scrypt
        self.logger = logger
    }

    /// Signs in, or throws `invalidCredentials` — the same error, after the same scrypt work,
    /// whether the email is unknown, not activated, disabled, locked, or the password wrong.
    ///
    /// `limitKey` is the caller's rate-limit key: a failure spends that address's budget of failed
    /// checks (`sign_in_fail_ip`) before it counts toward the account's lock. On success the
    /// database records `session`; the caller builds the cookie from the same value.
    public func signIn(
        email: String, password: String, ip: String?, userAgent: String?, limitKey: String, session: NewSession
    ) async throws -> SessionUser {
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
        let verification = try await hashPool.run {
            if let storedHash {
                return PasswordHash.verify(asTyped: password, normalized: normalized, stored: storedHash, current: scrypt)
            }
            PasswordHash.runDummy(password: normalized, parameters: scrypt)
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
                let newHash = try await service.hashPool.run { try? PasswordHash.make(password: normalized, parameters: scrypt) }
                guard let newHash else { return }
                let swapped = try await service.store.upgradePasswordHash(userID: userID, oldHash: oldHash, newHash: newHash)
                service.logger.info("password hash upgraded", metadata: ["user": "\(userID)", "swapped": "\(swapped)"])
            } catch {
                service.logger.warning("password hash upgrade skipped", metadata: ["reason": "\(error)"])
            }
        }
    }

    /// Forgot password: silent whether or not the account exists.
    public func requestPasswordReset(email: String, ip: String?, userAgent: String?) async throws {
        try await store.requestPasswordReset(email: email, ip: ip, userAgent: userAgent)
    }

    /// Read-only status of a raw token; a malformed token is simply invalid.
    public func tokenStatus(rawToken: String) async throws -> TokenStatus {
        guard TokenKey.isWellFormed(rawToken) else { return .invalid }
        return try await store.tokenStatus(tokenHash: TokenKey.hash(rawToken: rawToken))
    }

    /// Activation (`type` = activation) or reset: the policy is checked first, so a weak attempt
    /// leaves the token alive; then the token's status (cheap) so a dead link costs no scrypt; then
    /// the hash, and the single-use consume in the database.
    public func setPassword(type: TokenType, rawToken: String, password: String, ip: String?, userAgent: String?) async throws {
        guard TokenKey.isWellFormed(rawToken) else { throw PortalError.invalidToken }
        let violations = policy.violations(of: password)
        guard violations.isEmpty else { throw PortalError.weakPassword(violations) }
        let tokenHash = TokenKey.hash(rawToken: rawToken)
        let status = try await store.tokenStatus(tokenHash: tokenHash)
        guard status.status == "valid", status.type == type else { throw PortalError.invalidToken }
        let newHash = try await hash(password)
        _ = try await store.consumeToken(type: type, tokenHash: tokenHash, passwordHash: newHash, ip: ip, userAgent: userAgent)
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
        for (bucket, key) in [("change_password_user", claims.sub), ("change_password_ip", limitKey)] {
            let wait = try await store.rateLimitHit(bucket: bucket, key: key)
            if wait > 0 { throw PortalError.rateLimited(retryAfter: wait) }
        }
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
        guard let hash = try await hashPool.run({ try? PasswordHash.make(password: normalized, parameters: scrypt) }) else {
            throw PortalError.internalError
        }
        return hash
    }
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
