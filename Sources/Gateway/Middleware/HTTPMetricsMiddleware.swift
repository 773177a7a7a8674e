import Foundation
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
        let series = Self.series.get(method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: status)
        series.requests.increment()
        series.duration.recordNanoseconds(Int64((ContinuousClock.now - start).nanoseconds))
    }

    /// The counter and histogram of each (method, route, status), looked up in the registry once:
    /// asking the registry builds the label array and descriptor and takes its lock on every call.
    private static let series = SeriesCache()

    final class SeriesCache: @unchecked Sendable {
        struct Key: Hashable {
            let method: String
            let route: String
            let status: Int
        }

        private let lock = NSLock()
        private var known: [Key: (requests: Counter, duration: DurationHistogram)] = [:]

        func get(method: String, route: String, status: Int) -> (requests: Counter, duration: DurationHistogram) {
            let key = Key(method: method, route: route, status: status)
            if let found = lock.withLock({ known[key] }) { return found }
            let labels = [("method", method), ("route", route), ("status", String(status))]
            let made = (
                requests: GatewayMetrics.registry.makeCounter(
                    descriptor: GatewayMetrics.named("http_requests_total", "HTTP responses by method, route and status sent"),
                    labels: labels),
                duration: GatewayMetrics.registry.makeDurationHistogram(
                    descriptor: GatewayMetrics.named("http_server_request_duration_seconds", "Time from request head to response"),
                    labels: labels, buckets: GatewayMetrics.latencyBuckets)
            )
            lock.withLock { known[key] = made }
            return made
        }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
