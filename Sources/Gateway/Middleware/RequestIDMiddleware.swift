import HTTPTypes
import Hummingbird

/// Echoes the request id that every log line of the request carries (`hb.request.id`) as
/// `X-Request-Id`, so a client's report can be matched to the logs.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xRequestID] = context.id
        return response
    }
}
