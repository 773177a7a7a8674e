import Foundation
import HTTPTypes
import Hummingbird
import Metrics
import PortalCore
import PortalCrypto
import Prometheus

/// The process's Prometheus registry. swift-metrics (Hummingbird's `MetricsMiddleware`: HTTP
/// requests and latency by route) is bootstrapped onto it once per process.
public enum GatewayMetrics {
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// A metric name with its help text. The unit is part of the name (`_seconds`, `_total`), so
    /// the descriptor's own unit is empty: it joins only the parts that are not.
    static func named(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// Counts a sign-in by outcome: ok, invalid_credentials, rate_limited, overloaded, unavailable, invalid_request.
    static func signIn(_ outcome: String) {
        registry.makeCounter(descriptor: named("portal_sign_in_total", "Sign-in attempts by outcome"),
                             labels: [("outcome", outcome)]).increment()
    }

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    static let hashDuration = registry.makeDurationHistogram(
        descriptor: named("portal_hash_duration_seconds", "Time one scrypt job ran on the hash pool"),
        buckets: [.milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                  .seconds(1), .seconds(2), .seconds(5)])
}

/// `GET /metrics`: Prometheus text. Gauges that describe shared state (hash pool, database pool,
/// outbox depth and age, mail by status — the mailers' work as the database records it) are
/// read at scrape time. Serve it on an internal network only.
///
/// Who may scrape: with `PORTAL_METRICS_TOKEN` set, whoever sends `Authorization: Bearer <token>`
/// (else 401); without it, only a loopback peer whose request came through no proxy (no
/// `X-Forwarded-For`), else 404 — anyone else could make the gateway count the outbox at will.
struct MetricsController: Sendable {
    let service: PortalService
    /// `/readyz`'s probe: the database is up for the gateway only when it can serve real calls.
    let readiness: SharedProbe
    let token: String?

    /// Whether `request` may read the metrics.
    func mayScrape(_ request: Request, context: PortalRequestContext) throws -> Bool {
        if let token {
            guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
                throw HTTPFailure.metricsTokenRequired
            }
            let presented = Digest.sha256(String(header.dropFirst("Bearer ".count)))
            guard Digest.constantTimeEqual(presented, Digest.sha256(token)) else { throw HTTPFailure.metricsTokenRequired }
            return true
        }
        // Any proxy header means the loopback peer is a proxy relaying someone else. (A local
        // proxy that adds none of them cannot be told apart: behind one, set the token.)
        guard request.headers[.xForwardedFor] == nil, request.headers[.forwarded] == nil,
              request.headers[.xRealIP] == nil, let peer = context.remoteAddress?.ipAddress,
              let address = ClientAddress(peer)
        else { return false }
        return address.isLoopback
    }

    func register(on router: Router<PortalRequestContext>) {
        router.get("metrics") { request, context in
            guard try mayScrape(request, context: context) else { throw HTTPFailure.notFound }
            let registry = GatewayMetrics.registry
            let hashPool = service.hashPool
            registry.makeGauge(descriptor: GatewayMetrics.named("portal_hash_pool_queued", "Sign-ins waiting for a hash worker")).set(Double(hashPool.queued))
            registry.makeGauge(descriptor: GatewayMetrics.named("portal_hash_pool_busy", "Hash workers running scrypt")).set(Double(hashPool.busy))
            registry.makeGauge(descriptor: GatewayMetrics.named("portal_hash_pool_workers", "Hash workers")).set(Double(hashPool.workers))
            registry.makeGauge(descriptor: GatewayMetrics.named("portal_db_pool_queued", "Database calls waiting for a connection")).set(Double(service.waitingCalls))
            // Up means what /readyz means (the calls the gateway serves answer), not merely that
            // some query did: behind a pooler that loses prepared statements, outbox_stats
            // could answer while /me failed.
            var up = await readiness.check() ? 1.0 : 0.0
            if let stats = try? await service.outboxStats() {
                for (status, count) in stats.byStatus {
                    registry.makeGauge(
                        descriptor: GatewayMetrics.named("portal_outbox_mails", "Mails in the outbox by status"), labels: [("status", status)])
                        .set(Double(count))
                }
                registry.makeGauge(descriptor: GatewayMetrics.named("portal_outbox_oldest_pending_seconds", "Age of the oldest mail not yet sent"))
                    .set(stats.oldestPendingSeconds)
            } else {
                up = 0
            }
            registry.makeGauge(descriptor: GatewayMetrics.named("portal_database_up", "1 when the gateway's calls answered this scrape")).set(up)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
