import Foundation
import TestSupport
import Testing

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh")) struct MetricsTests {
    static func value(_ metrics: String, _ series: String) -> Double? {
        for line in metrics.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test func metricsCountSignInsAndShowTheOutboxAndHashPool() async throws {
        try await Harness.withGateway { gateway in
            // /metrics answers a loopback peer that came through no proxy (PORTAL_METRICS_TOKEN unset).
            var scraper = gateway
            scraper.ip = nil
            #expect(try await gateway.get("/metrics").status == 404, "not through a proxy")
            let before = try await scraper.get("/metrics")
            #expect(before.status == 200)
            #expect(before.headers[.contentType]?.hasPrefix("text/plain") == true)
            let failedBefore = Self.value(before.body, #"portal_sign_in_total{outcome="invalid_credentials"}"#) ?? 0
            for _ in 0..<3 {
                #expect(try await gateway.signIn(Fixture.uniqueEmail("metrics"), "some password here").status == 401)
            }
            let after = try await scraper.get("/metrics").body
            let failedAfter = try #require(Self.value(after, #"portal_sign_in_total{outcome="invalid_credentials"}"#))
            #expect(failedAfter >= failedBefore + 3, "the counter moves")
            #expect((Self.value(after, "portal_hash_duration_seconds_count") ?? 0) >= 3)
            #expect(Self.value(after, "portal_hash_pool_workers") == 2)
            #expect(Self.value(after, "portal_database_up") == 1)
            #expect(Self.value(after, #"portal_outbox_mails{status="queued"}"#) != nil)
            #expect(Self.value(after, #"portal_outbox_mails{status="retrying"}"#) != nil)
            #expect(Self.value(after, "portal_outbox_oldest_pending_seconds") != nil)
            #expect(after.contains("http_server_request_duration"), "HTTP latency by route")
        }
    }
}
