import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PortalCore
import PortalCrypto

/// The portal's JSON API (cookie realm): `/api/portal/auth/…`.
struct AuthController: Sendable {
    let service: PortalService
    let sessions: SessionCookie
    /// Appending proxies whose `X-Forwarded-For` entries are trusted (0: none, use the peer).
    let trustedProxyHops: Int
    /// The CSRF rule, applied by `/session` to the request a proxy asks about.
    let originRule: OriginRule
    /// The pages' languages: setting one's own answers the pages' language cookie too.
    let pageLanguage: PageLanguage

    struct SignInRequest: Decodable, Validating {
        static let fields: Set<String> = ["email", "password", "remember", "next"]
        let email: String
        let password: String
        /// "Keep me signed in": a session of `PORTAL_REMEMBER_TTL` whose cookie outlives the browser.
        let remember: Bool?
        /// Where the page goes next; answered back as `next` when it is a path on this origin.
        let next: String?
        func validate() throws(PortalError) {
            _ = try Field.email(email)
            try Field.text(password, "password", max: 1024)
        }
    }

    struct EmailRequest: Decodable, Validating {
        static let fields: Set<String> = ["email"]
        let email: String
        func validate() throws(PortalError) { _ = try Field.email(email) }
    }

    struct TokenPasswordRequest: Decodable, Validating {
        static let fields: Set<String> = ["token", "password", "next"]
        let token: String
        let password: String
        let next: String?
        func validate() throws(PortalError) {
            try Field.text(token, "token", max: 256)
            try Field.text(password, "password", max: 1024)
        }
    }

    struct TokenRequest: Decodable, Validating {
        static let fields: Set<String> = ["token"]
        let token: String
        func validate() throws(PortalError) { try Field.text(token, "token", max: 256, allowEmpty: true) }
    }

    struct ChangePasswordRequest: Decodable, Validating {
        static let fields: Set<String> = ["currentPassword", "newPassword"]
        let currentPassword: String
        let newPassword: String
        func validate() throws(PortalError) {
            try Field.text(currentPassword, "currentPassword", max: 1024)
            try Field.text(newPassword, "newPassword", max: 1024)
        }
    }

    struct ChangeEmailRequest: Decodable, Validating {
        static let fields: Set<String> = ["password", "newEmail"]
        let password: String
        let newEmail: String
        func validate() throws(PortalError) {
            try Field.text(password, "password", max: 1024)
            _ = try Field.email(newEmail, "newEmail")
        }
    }

    /// The client's own language: a language tag, or null for the marina's default again. The
    /// field must be there (`{}` is not "clear").
    struct LocaleRequest: Decodable, Validating {
        static let fields: Set<String> = ["locale"]
        let locale: String?
        enum CodingKeys: String, CodingKey { case locale }
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            guard container.contains(.locale) else {
                throw DecodingError.keyNotFound(
                    CodingKeys.locale, .init(codingPath: [], debugDescription: "a language tag, or null"))
            }
            locale = try container.decodeNil(forKey: .locale) ? nil : container.decode(String.self, forKey: .locale)
        }
        func validate() throws(PortalError) {
            if let locale { try Field.text(locale, "locale", max: LanguageTag.maximumLength) }
            _ = try Field.locale(locale)
        }
    }

    struct UserResponse: Encodable {
        let user: PortalUser
    }

    /// Sign-in's answer: the user, and the page to go to (`next` if it is a path on this origin,
    /// else `/portal`).
    struct SignedInResponse: Encodable {
        let user: PortalUser
        let next: String
    }

    /// Activation's and reset's answer: the client is signed in.
    struct PasswordSetResponse: Encodable {
        let ok = true
        let user: PortalUser
        let next: String
    }

    struct EmailConfirmedResponse: Encodable {
        let ok = true
        let email: String
    }

    func register(on router: Router<PortalRequestContext>) {
        let auth = router.group("api/portal/auth")
        auth.post("sign-in", use: signIn)
        auth.post("forgot-password", use: forgotPassword)
        auth.post("reset-password") { request, context in try await setPassword(type: .reset, request, context) }
        auth.post("activate") { request, context in try await setPassword(type: .activation, request, context) }
        auth.post("token-status", use: tokenStatus)
        auth.get("me", use: me)
        auth.get("session", use: session)
        auth.post("sign-out", use: signOut)
        auth.post("change-password", use: changePassword)
        auth.post("change-email", use: changeEmail)
        auth.post("confirm-email", use: confirmEmail)
        auth.put("locale", use: setLocale)
    }

    private func caller(_ request: Request, _ context: PortalRequestContext) -> Caller {
        Caller(request: request, context: context, trustedProxyHops: trustedProxyHops)
    }

    @Sendable func signIn(_ request: Request, context: PortalRequestContext) async throws -> Response {
        do {
            let body = try await JSONBody.decode(SignInRequest.self, from: request, context: context)
            let caller = caller(request, context)
            let remember = body.remember ?? false
            let newSession = sessions.newSession(remember: remember)
            let user = try await service.signIn(
                email: try Field.email(body.email), password: body.password, ip: caller.ip, userAgent: caller.userAgent,
                limitKey: caller.rateLimitKey, session: newSession)
            let session = sessions.issue(newSession, for: user, remember: remember)
            let signedIn = await adoptPageLanguage(request, user: user.user, claims: session.claims)
            GatewayMetrics.signIn("ok")
            return .json(SignedInResponse(user: signedIn, next: ReturnPath.safe(body.next)), headers: [.setCookie: session.setCookie])
        } catch let error as PortalError {
            GatewayMetrics.signIn(error.code)
            throw error
        } catch let failure as HTTPFailure {
            GatewayMetrics.signIn(failure.code)
            throw failure
        } catch {
            GatewayMetrics.signIn("error")
            throw error
        }
    }

    /// The least time a forgot-password answer takes. A registered address costs more writes
    /// (a token, a queued mail) than an unknown one, a fraction of a millisecond that a patient
    /// client can measure; answering no sooner than this hides it under the floor.
    static let forgotPasswordFloor: Duration = .milliseconds(100)

    @Sendable func forgotPassword(_ request: Request, context: PortalRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(EmailRequest.self, from: request, context: context)
        let caller = caller(request, context)
        let started = ContinuousClock.now
        try await service.requestPasswordReset(
            email: try Field.email(body.email), ip: caller.ip, userAgent: caller.userAgent, limitKey: caller.rateLimitKey)
        try await Task.sleep(until: started + Self.forgotPasswordFloor, clock: .continuous)
        return .json(OK())
    }

    private func setPassword(type: TokenType, _ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(TokenPasswordRequest.self, from: request, context: context)
        let caller = caller(request, context)
        let newSession = sessions.newSession()
        let user = try await service.setPassword(
            type: type, rawToken: body.token, password: body.password, ip: caller.ip, userAgent: caller.userAgent,
            limitKey: caller.rateLimitKey, session: newSession)
        let session = sessions.issue(newSession, for: user)
        let signedIn = await adoptPageLanguage(request, user: user.user, claims: session.claims)
        return .json(PasswordSetResponse(user: signedIn, next: ReturnPath.safe(body.next)), headers: [.setCookie: session.setCookie])
    }

    @Sendable func tokenStatus(_ request: Request, context: PortalRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(TokenRequest.self, from: request, context: context)
        return .json(try await service.tokenStatus(rawToken: body.token, limitKey: caller(request, context).rateLimitKey))
    }

    /// `{"user": …}` with the user exactly as `session_check` wrote it: the same bytes a backend
    /// asking `session_check` itself reads (a user without a name has `"name": null` there).
    @Sendable func me(_ request: Request, context: PortalRequestContext) async throws -> Response {
        let user = try await sessions.authenticatedJSON(request)
        var body = ByteBuffer()
        body.reserveCapacity(user.utf8.count + 10)
        body.writeStaticString(#"{"user":"#)
        body.writeString(user)
        body.writeStaticString("}")
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
    }

    /// For a reverse proxy's sub-request (nginx `auth_request`, Traefik `forwardAuth`, Caddy
    /// `forward_auth`): the same check as `/me`, answered without a body — 204 with the ids the
    /// protected backend needs, or 401. Never cached: the answer changes at sign-out.
    ///
    /// The sub-request is a GET whatever the client sent, so the proxy names the original method
    /// (`X-Original-Method`, `X-Forwarded-Method`) and passes the client's headers: a
    /// state-changing request gets the Origin rule every API call gets (403 from a foreign origin,
    /// or with the cookie and no origin), before the session is even looked up. Without this, a
    /// protected backend's POST would rest on `SameSite=Lax` alone.
    @Sendable func session(_ request: Request, context: PortalRequestContext) async throws -> Response {
        if let refusal = originRule.refusal(method: OriginRule.originalMethod(of: request), request: request) {
            var response = ErrorMiddleware.response(for: refusal)
            response.headers[.cacheControl] = "no-store"
            return response
        }
        guard let claims = sessions.claims(of: request), let user = try await service.sessionUser(claims) else {
            // Where a proxy sends the client to sign in (nginx: `auth_request_set` from `Location`,
            // then `error_page 401 =302`): the sign-in page, carrying the page asked for.
            let original = request.headers[.originalURI] ?? request.headers[.forwardedURI]
            return Response(status: .unauthorized, headers: [
                .cacheControl: "no-store", .location: ReturnPath.loginLocation(returningTo: original),
            ])
        }
        return Response(status: .noContent, headers: [
            .cacheControl: "no-store", .portalUserID: user.id, .portalClientID: user.clientId, .portalPortID: user.portId,
        ])
    }

    /// 204 and a cleared cookie, always; the session itself is revoked when the cookie was valid
    /// (`?scope=all`: every session of the user).
    @Sendable func signOut(_ request: Request, context: PortalRequestContext) async throws -> Response {
        let scope = request.uri.queryParameters.get("scope")
        guard scope == nil || scope == "all" || scope == "this" else {
            throw PortalError.badRequest("Query parameter 'scope' must be 'all' or omitted.")
        }
        if let claims = sessions.claims(of: request) {
            let caller = caller(request, context)
            try await service.signOut(claims, all: scope == "all", ip: caller.ip, userAgent: caller.userAgent)
        }
        return Response(status: .noContent, headers: [.setCookie: sessions.clearing])
    }

    /// Changes the password; every session ends, and this caller gets a fresh cookie.
    @Sendable func changePassword(_ request: Request, context: PortalRequestContext) async throws -> Response {
        let (claims, user) = try await sessions.authenticate(request)
        let body = try await JSONBody.decode(ChangePasswordRequest.self, from: request, context: context)
        let caller = caller(request, context)
        let remember = sessions.isRemembered(claims)
        let newSession = sessions.newSession(remember: remember)
        let updated = try await service.changePassword(
            claims: claims, email: user.email, currentPassword: body.currentPassword, newPassword: body.newPassword,
            ip: caller.ip, userAgent: caller.userAgent, limitKey: caller.rateLimitKey, session: newSession)
        let session = sessions.issue(newSession, for: updated, remember: remember)
        return .json(OK(), headers: [.setCookie: session.setCookie])
    }

    /// Asks to move the account to `newEmail`, with the current password. 200 `{"ok": true}`
    /// whether or not another account has that address (a confirmation link goes to a free one and
    /// a notice to the current one; a taken one gets a note instead); nothing changes until the
    /// link is used. A wrong password is 401 `invalid_credentials` and counts toward the lock.
    @Sendable func changeEmail(_ request: Request, context: PortalRequestContext) async throws -> Response {
        let (claims, user) = try await sessions.authenticate(request)
        let body = try await JSONBody.decode(ChangeEmailRequest.self, from: request, context: context)
        let caller = caller(request, context)
        try await service.changeEmail(
            claims: claims, email: user.email, password: body.password, newEmail: try Field.email(body.newEmail, "newEmail"),
            ip: caller.ip, userAgent: caller.userAgent, limitKey: caller.rateLimitKey)
        return .json(OK())
    }

    /// Uses an email-change link (`{token}`): the account moves to the confirmed address and every
    /// session ends, this browser's too (its cookie is cleared): the client signs in again with
    /// the new address. 400 `invalid_token`; 409 `email_taken` when another account took the
    /// address meanwhile.
    @Sendable func confirmEmail(_ request: Request, context: PortalRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(TokenRequest.self, from: request, context: context)
        let caller = caller(request, context)
        let user = try await service.confirmEmailChange(
            rawToken: body.token, ip: caller.ip, userAgent: caller.userAgent, limitKey: caller.rateLimitKey)
        return .json(EmailConfirmedResponse(email: user.email), headers: [.setCookie: sessions.clearing])
    }
}

extension AuthController {
    /// A language chosen on the pages before signing in (the `portal_lang` cookie, which only the
    /// switch sets) becomes the user's own when they sign in, as Keycloak keeps a language chosen
    /// on its login page: the pages already speak it, and the mails then do too. Nothing is
    /// written when the stored language is already that one (`de-AT` for `de` counts); a failure
    /// leaves the sign-in as it is (the choice is still the cookie's).
    func adoptPageLanguage(_ request: Request, user: PortalUser, claims: SessionClaims) async -> PortalUser {
        guard let chosen = pageLanguage.supportedLanguage(PageLanguage.cookie(of: request)),
            pageLanguage.supportedLanguage(user.locale) != chosen, let tag = LanguageTag(chosen)
        else { return user }
        return (try? await service.setLocale(claims, locale: tag)) ?? user
    }

    /// The signed-in client chooses their language (`{"locale": "fr"}`; null: the marina's
    /// again): stored on the user, so the next mail is written in it too; 200 `{"user": …}`.
    /// The pages' language cookie follows (set to the page language of the tag, or cleared with
    /// null), as it outranks the user's choice in this browser. Any tag of the one rule is
    /// stored (a marina's catalogue may add a language the pages do not have); 400 for another.
    @Sendable func setLocale(_ request: Request, context: PortalRequestContext) async throws -> Response {
        let (claims, _) = try await sessions.authenticate(request)
        let body = try await JSONBody.decode(LocaleRequest.self, from: request, context: context)
        let tag = try Field.locale(body.locale)
        let user = try await service.setLocale(claims, locale: tag)
        var headers: HTTPFields = [:]
        if let tag {
            if let language = pageLanguage.supportedLanguage(tag.description) {
                headers[.setCookie] = PageLanguage.setCookie(language)
            }
        } else {
            headers[.setCookie] = PageLanguage.clearingCookie
        }
        return .json(UserResponse(user: user), headers: headers)
    }
}

extension HTTPField.Name {
    /// The session's ids, passed by the reverse proxy to the backend it protects.
    static let portalUserID = Self("X-Portal-User-Id")!
    static let portalClientID = Self("X-Portal-Client-Id")!
    static let portalPortID = Self("X-Portal-Port-Id")!
    /// The page a proxy's session check was asked for: nginx `X-Original-URI $request_uri`,
    /// Traefik's and Caddy's `X-Forwarded-Uri`.
    static let originalURI = Self("X-Original-URI")!
    static let forwardedURI = Self("X-Forwarded-Uri")!
}
