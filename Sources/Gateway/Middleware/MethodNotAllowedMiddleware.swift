import Foundation
import HTTPTypes
import Hummingbird

/// A path the router knows, asked with a method it does not answer there: 405 with `Allow`
/// (RFC 9110 §15.5.6), not the 404 the router gives — "GET /api/portal/auth/sign-in" tells a
/// developer to POST, where a 404 sends them looking for a typo in the path.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            // Only the router's own miss arrives as a bare HTTPError: a handler's "no such client"
            // is a PortalError and passes on untouched.
            let allowed = routes.methods(answering: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method) else { throw error }
            var response = ErrorMiddleware.response(for: HTTPFailure.methodNotAllowed)
            response.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
            return response
        }
    }
}

/// The router's routes by path, filled once when the router is built (the middleware is created
/// before the routes it looks up).
final class RouteTable: @unchecked Sendable {
    private let lock = NSLock()
    private var routes: [(path: RouterPath, method: HTTPRequest.Method)] = []

    func record(_ descriptions: [Router<PortalRequestContext>.RouteDescription]) {
        lock.withLock { routes = descriptions.map { ($0.path, $0.method) } }
    }

    /// The methods of every route whose path matches `path`, in a stable order.
    func methods(answering path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        let matching = lock.withLock { routes.filter { Self.matches($0.path, segments) }.map(\.method) }
        return Array(Set(matching)).sorted { $0.rawValue < $1.rawValue }
    }

    private static func matches(_ route: RouterPath, _ segments: [Substring]) -> Bool {
        var index = 0
        for component in route.components {
            if component.description == "**" { return true }
            guard index < segments.count, component ~= segments[index] else { return false }
            index += 1
        }
        return index == segments.count
    }
}
