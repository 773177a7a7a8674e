/// What `portal_api.outbox_stats()` says of the outbox (granted to the gateway, the mailer and
/// the DBA role): mails by status, the oldest pending mail's age and when the next queued one is
/// due. The gateway's `/metrics` publishes it as gauges.
public struct OutboxStats: Codable, Sendable, Equatable {
    /// Mails waiting for a mailer, retries included.
    public let queued: Int
    /// Queued again after a failed attempt (a subset of `queued`).
    public let retrying: Int
    /// Leased by a mailer now.
    public let sending: Int
    public let sent: Int
    /// Out of attempts, or refused for good (a malformed address, a template that does not render).
    public let dead: Int
    /// Not sent because the token died first (resend, disable, expiry).
    public let skipped: Int
    /// Age of the oldest queued or sending mail; 0 when there is none.
    public let oldestPendingSeconds: Double
    /// When the next queued mail is due, as the database writes a timestamptz; nil when none is queued.
    public let nextRunAt: String?

    public init(
        queued: Int, retrying: Int, sending: Int, sent: Int, dead: Int, skipped: Int, oldestPendingSeconds: Double,
        nextRunAt: String?
    ) {
        self.queued = queued
        self.retrying = retrying
        self.sending = sending
        self.sent = sent
        self.dead = dead
        self.skipped = skipped
        self.oldestPendingSeconds = oldestPendingSeconds
        self.nextRunAt = nextRunAt
    }

    /// The counts by status, in the order `/metrics` lists them (the `status` label's values).
    public var byStatus: [(status: String, count: Int)] {
        [("queued", queued), ("retrying", retrying), ("sending", sending), ("sent", sent), ("dead", dead), ("skipped", skipped)]
    }
}
