import HTTPTypes
import Hummingbird
import Prometheus

/// Counts every response by the status the client received, and its latency: outermost, so the
/// 403s of the Origin check and every error the error middleware turned into a response are
/// counted as what they were (a 401 is a 401, not a 500). Records once `next` has returned —
/// the body is not wrapped, so Hummingbird keeps its single-write path.
///
/// `http_requests_total{method, route, status}` and
/// `http_server_request_duration_seconds{method, route, status}`; `route` is the matched route's
/// pattern (`/api/v1/clients/{id}/portal-user`), or `unmatched`, so a scan of random paths cannot
/// grow the label set.
struct HTTPMetricsMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: response.status.code, since: start)
            return response
        } catch {
            record(request, context, status: 500, since: start)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, since start: ContinuousClock.Instant) {
        let labels = [("method", request.method.rawValue), ("route", context.endpointPath ?? "unmatched"),
                      ("status", String(status))]
        GatewayMetrics.registry.makeCounter(
            descriptor: GatewayMetrics.named("http_requests_total", "HTTP responses by method, route and status sent"),
            labels: labels
        ).increment()
        GatewayMetrics.registry.makeDurationHistogram(
            descriptor: GatewayMetrics.named("http_server_request_duration_seconds", "Time from request head to response"),
            labels: labels, buckets: GatewayMetrics.latencyBuckets
        ).recordNanoseconds(Int64((ContinuousClock.now - start).nanoseconds))
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
