import Foundation
import HTTPTypes
import Hummingbird
import PortalCore
import PortalCrypto

/// The session cookie: an HS256 JWT in `__Host-portal_session` (name configurable),
/// `Secure; HttpOnly; SameSite=Lax; Path=/`. Each authenticated request verifies the JWT and then
/// asks the database, in one call, whether the session (`jti`) was issued and is still live, the
/// epoch current and the account enabled.
struct SessionCookie: Sendable {
    let signer: SessionSigner
    let name: String
    /// A session's lifetime (`PORTAL_SESSION_TTL`); its cookie ends with the browser.
    let ttl: Int
    /// A kept ("Keep me signed in") session's lifetime (`PORTAL_REMEMBER_TTL`); its cookie has that Max-Age.
    let rememberTTL: Int
    let service: PortalService

    /// A session to issue, made before the database call that records it (sign-in, change
    /// password, activation, reset): the cookie is then built from the same id and expiry
    /// (`issue(_:for:remember:)`). `remember`: the longer lifetime.
    func newSession(remember: Bool = false) -> NewSession { NewSession.make(ttl: remember ? rememberTTL : ttl) }

    /// Whether the session of `claims` was a kept one (it lives longer than a plain session), so
    /// a cookie that replaces it (change password) keeps it.
    func isRemembered(_ claims: SessionClaims) -> Bool { claims.exp - claims.iat > ttl }

    /// The cookie of `session`, which the database has recorded for `user`: the `Set-Cookie`
    /// value and its claims. A kept session's cookie lasts as long as the session (`Max-Age`);
    /// any other is a browser-session cookie (no `Max-Age`: it ends when the browser closes,
    /// while the server-side session keeps its own expiry).
    func issue(_ session: NewSession, for user: SessionUser, remember: Bool = false) -> (setCookie: String, claims: SessionClaims) {
        let claims = SessionClaims(
            sub: user.user.id, cid: user.user.clientId, pid: user.user.portId, sv: user.sessionEpoch,
            jti: session.jti, iat: session.issuedAt, exp: session.expiresAt,
            iss: signer.issuer, aud: signer.audience)
        let maxAge = remember ? "; Max-Age=\(max(0, session.expiresAt - session.issuedAt))" : ""
        return ("\(name)=\(signer.sign(claims)); Path=/\(maxAge); Secure; HttpOnly; SameSite=Lax", claims)
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
        guard let claims = claims(of: request), let user = try await service.sessionUser(claims) else {
            throw PortalError.unauthenticated
        }
        return (claims, user)
    }

    /// The signed-in user as `session_check`'s JSON text (for `/me`), or 401 `unauthenticated`.
    func authenticatedJSON(_ request: Request) async throws -> String {
        guard let claims = claims(of: request), let user = try await service.sessionUserJSON(claims) else {
            throw PortalError.unauthenticated
        }
        return user
    }

    /// The raw value of cookie `name` in the request's `Cookie` headers.
    ///
    /// Parsed as bytes (`;` separates pairs, spaces and tabs around names and values are
    /// dropped): every portal request passes here, and splitting by `Character` and trimming with
    /// Foundation cost more than verifying the signature.
    static func value(named name: String, in request: Request) -> String? {
        let wanted = Array(name.utf8)
        for header in request.headers[values: .cookie] {
            if let value = value(named: wanted, in: Array(header.utf8)) { return value }
        }
        return nil
    }

    /// The value of the first pair named `name` in one `Cookie` header's bytes.
    static func value(named name: [UInt8], in header: [UInt8]) -> String? {
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        func trimmed(_ slice: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
            var slice = slice
            while let first = slice.first, isBlank(first) { slice.removeFirst() }
            while let last = slice.last, isBlank(last) { slice.removeLast() }
            return slice
        }
        for pair in header.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: true) {
            guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else { continue }
            if trimmed(pair[pair.startIndex..<equals]).elementsEqual(name) {
                return String(decoding: trimmed(pair[(equals + 1)...]), as: UTF8.self)
            }
        }
        return nil
    }
}
