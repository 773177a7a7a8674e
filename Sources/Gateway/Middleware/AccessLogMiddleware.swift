import HTTPTypes
import Hummingbird
import Logging

/// One access-log line per request: method, path **without the query string**, status and
/// duration. Hummingbird's own request logger includes the query, and `/portal/activate?token=…`
/// links carry a token there: it must never reach a log (the attack suite checks).
///
/// A refusal's line also carries its error code (`reason=forbidden_origin`, `reason=invalid_credentials`),
/// and a 403 the `Origin` it refused, so an operator reading the log after "it says forbidden"
/// sees which rule answered and which origin to add to `PORTAL_ALLOWED_ORIGINS`.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let path = String(request.uri.path.prefix(200))
        do {
            var response = try await next(request, context)
            let reason = response.headers[.portalErrorCode]
            response.headers[.portalErrorCode] = nil
            let origin = response.status == .forbidden ? request.headers[.origin].map(Self.printable) : nil
            log(context, request.method, path, response.status.code, start, reason: reason, origin: origin)
            return response
        } catch {
            log(context, request.method, path, nil, start)
            throw error
        }
    }

    /// Client text for a log line: 200 characters at most, printable ASCII only.
    static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.prefix(200).map { (0x20...0x7E).contains($0.value) ? $0 : "?" }))
    }

    private func log(
        _ context: Context, _ method: HTTPRequest.Method, _ path: String, _ status: Int?, _ start: ContinuousClock.Instant,
        reason: String? = nil, origin: String? = nil
    ) {
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        var metadata: Logger.Metadata = [
            "method": "\(method)", "path": "\(path)", "status": "\(status.map(String.init) ?? "error")",
            "ms": "\(Int(milliseconds.rounded()))",
        ]
        if let reason { metadata["reason"] = "\(reason)" }
        if let origin { metadata["origin"] = "\(origin)" }
        context.logger.info("request", metadata: metadata)
    }
}
