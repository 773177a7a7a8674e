import Prometheus

/// The mailer's own metrics (`MAILER_METRICS_ADDRESS`): what this process did, where the
/// gateway's `portal_outbox_*` gauges say what the database holds. One registry per mailer, so
/// tests can run several in one process.
///
/// - `portal_mailer_mails_total{outcome}`: sent, failed (will retry), dead, skipped (token gone),
///   not_sent (lease taken over or token died before the send), lease_lost (sent, but the lease
///   had run out: the one duplicate the README admits);
/// - `portal_mailer_send_duration_seconds`: one SMTP transaction (or file write);
/// - `portal_mailer_claim_batch_size`: mails per claim that found any;
/// - `portal_mailer_listen_reconnects_total`: LISTEN sessions re-established.
public final class MailerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()

    /// What became of one claimed mail.
    public enum Outcome: String, Sendable, CaseIterable {
        case sent, failed, dead, skipped
        case notSent = "not_sent"
        case leaseLost = "lease_lost"
    }

    private let outcomes: [Outcome: Counter]
    let sendDuration: DurationHistogram
    let claimBatchSize: ValueHistogram
    let listenReconnects: Counter

    /// A metric name with its help text. The unit is part of the name (`_seconds`, `_total`), so
    /// the descriptor's own unit is empty: it joins only the parts that are not.
    private static func named(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    public init() {
        var outcomes: [Outcome: Counter] = [:]
        for outcome in Outcome.allCases {
            outcomes[outcome] = registry.makeCounter(
                descriptor: MailerMetrics.named("portal_mailer_mails_total", "Claimed mails by what became of them"),
                labels: [("outcome", outcome.rawValue)])
        }
        self.outcomes = outcomes
        sendDuration = registry.makeDurationHistogram(
            descriptor: MailerMetrics.named("portal_mailer_send_duration_seconds", "Time one SMTP transaction (or file write) took"),
            buckets: [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                      .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5), .seconds(30)])
        claimBatchSize = registry.makeValueHistogram(
            descriptor: MailerMetrics.named("portal_mailer_claim_batch_size", "Mails per claim that found any"),
            buckets: [1, 2, 5, 10, 20, 50, 100, 1000])
        listenReconnects = registry.makeCounter(
            descriptor: MailerMetrics.named("portal_mailer_listen_reconnects_total", "LISTEN sessions re-established after a loss"))
    }

    func record(_ outcome: Outcome) { outcomes[outcome]?.increment() }

    /// The Prometheus text exposition.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}
