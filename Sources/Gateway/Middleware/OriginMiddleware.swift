import Foundation
import HTTPTypes
import Hummingbird
import PortalCore

/// CSRF for every path, CORS for the cookie realm (`/api/portal/`).
///
/// - A path with an empty segment (`/api//portal/…`) is refused: the router would collapse it,
///   and nothing may reach a route under a spelling the checks below do not expect.
/// - A state-changing request (anything but GET/HEAD/OPTIONS) with an `Origin` outside
///   `PORTAL_ALLOWED_ORIGINS` (+ the base URL's origin) is refused with 403 — including sign-in,
///   so a foreign page cannot sign a victim into an attacker's account.
/// - A state-changing request that carries the session cookie but no `Origin` is refused too
///   (browsers always send `Origin` on such requests; `curl` users add `-H 'Origin: …'`).
/// - Allowed origins get CORS with credentials; preflights are answered here.
/// Both CSRF rules hold whatever the path (the route the router resolves is not known here):
/// the admin realm (`/api/v1/`) is server-to-server with bearer keys, so its callers send
/// neither `Origin` nor a cookie and pass; it gets no CORS.
struct OriginMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext
    let rule: OriginRule

    init(allowedOrigins: Set<String>, cookieName: String) {
        rule = OriginRule(allowedOrigins: allowedOrigins, cookieName: cookieName)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path.contains("//") { return ErrorMiddleware.response(for: .malformedPath) }
        let origin = request.headers[.origin]
        let allowed = rule.allows(origin)
        if let refusal = rule.refusal(method: request.method, request: request) {
            return ErrorMiddleware.response(for: refusal)
        }
        guard request.uri.path.hasPrefix("/api/portal/") else { return try await next(request, context) }

        if request.method == .options {
            guard let origin, allowed else { return ErrorMiddleware.response(for: .forbiddenOrigin) }
            var headers = corsHeaders(origin)
            headers[.accessControlAllowMethods] = "GET, POST"
            headers[.accessControlAllowHeaders] = "Content-Type"
            headers[.accessControlMaxAge] = "600"
            return Response(status: .noContent, headers: headers)
        }
        // Sits outside ErrorMiddleware, so errors arrive here as responses and get CORS too.
        var response = try await next(request, context)
        if let origin, allowed {
            for field in corsHeaders(origin) { response.headers.append(field) }
        }
        return response
    }

    private func corsHeaders(_ origin: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[.accessControlAllowOrigin] = origin
        headers[.accessControlAllowCredentials] = "true"
        headers[.vary] = "Origin"
        return headers
    }
}

/// The CSRF rule itself, shared by the middleware (for the request in hand) and the forward-auth
/// check `/api/portal/auth/session` (for the request a proxy is about to pass on, whose method it
/// names in `X-Original-Method` or `X-Forwarded-Method`: its sub-request is always a GET).
struct OriginRule: Sendable {
    let allowedOrigins: Set<String>
    let cookieName: String

    /// The proxy headers that name the original request's method: nginx's documented
    /// `X-Original-Method` (set in the snippet), and `X-Forwarded-Method`, which Traefik's
    /// `forwardAuth` and Caddy's `forward_auth` send by themselves.
    static let originalMethodFields = [HTTPField.Name("X-Original-Method")!, HTTPField.Name("X-Forwarded-Method")!]

    func allows(_ origin: String?) -> Bool {
        origin.map { allowedOrigins.contains($0.lowercased()) } ?? false
    }

    static func isSafe(_ method: HTTPRequest.Method) -> Bool {
        method == .get || method == .head || method == .options
    }

    /// Why a request made with `method` is refused (a state-changing request from a foreign
    /// origin, or one carrying the session cookie without any origin), or nil when it passes.
    func refusal(method: HTTPRequest.Method, request: Request) -> HTTPFailure? {
        guard !Self.isSafe(method) else { return nil }
        let origin = request.headers[.origin]
        if origin != nil && !allows(origin) { return .forbiddenOrigin }
        if origin == nil && SessionCookie.value(named: cookieName, in: request) != nil { return .originRequired }
        return nil
    }

    /// The method a forward-auth sub-request stands for. Every value of every proxy header
    /// counts, and the request is state-changing when any of them names such a method: a proxy
    /// that sets one of the headers passes the other on from the client untouched (Traefik and
    /// Caddy overwrite `X-Forwarded-Method` only), so a client's own `X-Original-Method: GET`
    /// must not outvote the proxy's `POST`. An unreadable value counts as state-changing (the
    /// stricter answer); no header at all, as the GET the sub-request is.
    static func originalMethod(of request: Request) -> HTTPRequest.Method {
        var named: HTTPRequest.Method?
        for field in originalMethodFields {
            for value in request.headers[values: field] {
                let method = HTTPRequest.Method(value.trimmingCharacters(in: .whitespaces).uppercased()) ?? .post
                if !isSafe(method) { return method }
                named = named ?? method
            }
        }
        return named ?? request.method
    }
}
