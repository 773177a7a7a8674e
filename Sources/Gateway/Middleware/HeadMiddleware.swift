import HTTPTypes
import Hummingbird

/// A HEAD request gets GET's status and headers, never a body — also when the answer is an error
/// (`ErrorMiddleware`, inside this one, writes its JSON body whatever the method). The router
/// answers HEAD on every GET route (`autoGenerateHeadEndpoints`); this keeps the length GET's
/// body would have had, where it is known.
struct HeadMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        guard request.method == .head else { return response }
        var head = Response(status: response.status, headers: response.headers)
        if head.headers[.contentLength] == nil, let length = response.body.contentLength, length > 0 {
            head.headers[.contentLength] = String(length)
        }
        return head
    }
}
