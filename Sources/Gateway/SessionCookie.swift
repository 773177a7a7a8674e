import Foundation
import Foundation
import HTTPTypes
import Hummingbird
import PortalCore
import PortalCrypto

/// The session cookie: an HS256 JWT in `__Host-portal_session` (name configurable),
/// `Secure; HttpOnly; SameSite=Lax; Path=/`. Each authenticated request verifies the JWT and then
/// asks the database, in one call, whether the epoch is current, the account enabled and the
/// `jti` not signed out.
struct SessionCookie: Sendable {
    let signer: SessionSigner
    let name: String
    let ttl: Int
    let store: any GatewayStore

    /// A new session for `user`: the `Set-Cookie` value and its claims.
    func issue(for user: SessionUser) -> (setCookie: String, claims: SessionClaims) {
        let now = Int(Date().timeIntervalSince1970)
        let claims = SessionClaims(
            sub: user.user.id, cid: user.user.clientId, pid: user.user.portId, sv: user.sessionEpoch,
            jti: Base64.encodeURL(Digest.randomBytes(16)), iat: now, exp: now + ttl,
            iss: signer.issuer, aud: signer.audience)
        return ("\(name)=\(signer.sign(claims)); Path=/; Max-Age=\(ttl); Secure; HttpOnly; SameSite=Lax", claims)
    }

    /// The `Set-Cookie` value that deletes the cookie.
    var clearing: String { "\(name)=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax" }

    /// The verified claims of the request's cookie (signature, algorithm, expiry, issuer, audience),
    /// without asking the database.
    func claims(of request: Request) -> SessionClaims? {
        Self.value(named: name, in: request).flatMap { signer.verify($0) }
    }

    /// The signed-in user, or 401 `unauthenticated`.
    func authenticate(_ request: Request) async throws -> (claims: SessionClaims, user: PortalUser) {
        guard let claims = claims(of: request),
              let user = try await store.sessionCheck(userID: claims.sub, epoch: claims.sv, jti: claims.jti)
        else { throw PortalError.unauthenticated }
        return (claims, user)
    }

    /// The raw value of cookie `name` in the request's `Cookie` headers.
    static func value(named name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }
}
