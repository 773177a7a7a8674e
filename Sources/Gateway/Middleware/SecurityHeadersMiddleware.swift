import Foundation
import HTTPTypes
import Hummingbird

/// Security headers on every response, errors included. The API never renders HTML, so its CSP
/// allows nothing; pages set their own stricter-than-default policy.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext
    let https: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        func setDefault(_ name: HTTPField.Name, _ value: String) {
            if response.headers[name] == nil { response.headers[name] = value }
        }
        setDefault(.contentSecurityPolicy, "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
        setDefault(.xContentTypeOptions, "nosniff")
        setDefault(.xFrameOptions, "DENY")
        setDefault(.referrerPolicy, "no-referrer")
        setDefault(.cacheControl, "no-store")
        setDefault(.crossOriginOpenerPolicy, "same-origin")
        setDefault(.crossOriginResourcePolicy, "same-origin")
        setDefault(.permissionsPolicy, "camera=(), microphone=(), geolocation=(), payment=()")
        if https { setDefault(.strictTransportSecurity, "max-age=31536000; includeSubDomains") }
        return response
    }
}
