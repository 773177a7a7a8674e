import Foundation
import PortalCrypto

/// A session about to be issued: its id (`jti`) and lifetime, chosen before the database call
/// that records it (`sign_in_record`, `change_password`), so the cookie carries exactly the
/// session the database holds. `session_check` answers only for a recorded session.
public struct NewSession: Sendable, Equatable {
    /// The cookie's `jti`: 16 random bytes, base64url (22 characters).
    public let jti: String
    /// Seconds since 1970: the cookie's `iat`.
    public let issuedAt: Int
    /// Seconds since 1970: the cookie's `exp`, and when the database forgets the session.
    public let expiresAt: Int

    public init(jti: String, issuedAt: Int, expiresAt: Int) {
        self.jti = jti
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }

    /// A fresh session of `ttl` seconds from now, with a random id.
    public static func make(ttl: Int, now: Date = Date()) -> NewSession {
        let issuedAt = Int(now.timeIntervalSince1970)
        return NewSession(jti: Base64.encodeURL(Digest.randomBytes(16)), issuedAt: issuedAt, expiresAt: issuedAt + ttl)
    }
}
