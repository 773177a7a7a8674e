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
    let allowedOrigins: Set<String>
    let cookieName: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path.contains("//") { return ErrorMiddleware.response(for: .malformedPath) }
        let origin = request.headers[.origin]
        let allowed = origin.map { allowedOrigins.contains($0.lowercased()) } ?? false
        let safe = request.method == .get || request.method == .head || request.method == .options
        if !safe {
            if origin != nil && !allowed { return ErrorMiddleware.response(for: .forbiddenOrigin) }
            if origin == nil && SessionCookie.value(named: cookieName, in: request) != nil {
                return ErrorMiddleware.response(for: .originRequired)
            }
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
