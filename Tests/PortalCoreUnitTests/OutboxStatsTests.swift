import Foundation
import PortalCore
import Testing

/// `portal_api.outbox_stats()` as the stores decode it: counts are bigints, the age is a numeric
/// (`extract(epoch …)`), the next due time a timestamptz or null. No database: the JSON is
/// written the way jsonb prints it.
@Suite struct OutboxStatsTests {
    @Test func theDatabasesAnswerDecodes() throws {
        let text = #"{"dead": 1, "sent": 40, "queued": 3, "sending": 2, "skipped": 0, "retrying": 1, "nextRunAt": "2026-03-01T10:15:00.123456+00:00", "oldestPendingSeconds": 12.345678}"#
        let stats = try JSONDecoder().decode(OutboxStats.self, from: Data(text.utf8))
        #expect(stats == OutboxStats(
            queued: 3, retrying: 1, sending: 2, sent: 40, dead: 1, skipped: 0, oldestPendingSeconds: 12.345678,
            nextRunAt: "2026-03-01T10:15:00.123456+00:00"))
        #expect(stats.byStatus.map(\.status) == ["queued", "retrying", "sending", "sent", "dead", "skipped"])
        #expect(stats.byStatus.map(\.count) == [3, 1, 2, 40, 1, 0])
    }

    @Test func anEmptyOutboxDecodes() throws {
        let text = #"{"dead": 0, "sent": 0, "queued": 0, "sending": 0, "skipped": 0, "retrying": 0, "nextRunAt": null, "oldestPendingSeconds": 0}"#
        let stats = try JSONDecoder().decode(OutboxStats.self, from: Data(text.utf8))
        #expect(stats.nextRunAt == nil)
        #expect(stats.oldestPendingSeconds == 0)
    }
}
