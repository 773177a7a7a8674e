import HTTPTypes
import Hummingbird
import Logging

/// One access-log line per request: method, path **without the query string**, status and
/// duration. Hummingbird's own request logger includes the query, and `/portal/activate?token=…`
/// links carry a token there: it must never reach a log (the attack suite checks).
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let path = String(request.uri.path.prefix(200))
        do {
            let response = try await next(request, context)
            log(context, request.method, path, response.status.code, start)
            return response
        } catch {
            log(context, request.method, path, nil, start)
            throw error
        }
    }

    private func log(_ context: Context, _ method: HTTPRequest.Method, _ path: String, _ status: Int?, _ start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.info("request", metadata: [
            "method": "\(method)", "path": "\(path)", "status": "\(status.map(String.init) ?? "error")",
            "ms": "\(Int(milliseconds.rounded()))",
        ])
    }
}
