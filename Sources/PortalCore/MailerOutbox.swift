/// The mailer's door to the database, as a protocol: `OutboxStore` is the Postgres one (role
/// `portal_mailer`); the tests' in-memory fake drives `MailerService` without a database
/// (`MailerOutcomeTests`). Every failure is a `PortalError`.
public protocol MailerOutbox: Sendable {
    /// Where the store connects, without a password (start-up and outage lines).
    var target: String { get }
    func ping() async -> Bool
    /// A wake-up per new mail; `reconnected` after the listener got its connection back.
    func newMail() -> AsyncStream<(listening: Bool, reconnected: Bool)>

    func claim(limit: Int) async throws -> [ClaimedMail]
    func dispatch(_ id: Int64, sealing seal: OutboxStore.TokenSeal?, completing previous: Int64?, sendTimeout: Int) async throws
        -> OutboxStore.Dispatch
    func complete(_ id: Int64) async throws -> Bool
    @discardableResult
    func fail(_ id: Int64, reason: String, permanent: Bool) async throws -> String?
    @discardableResult
    func skip(_ id: Int64, reason: String) async throws -> Bool
    @discardableResult
    func release(_ id: Int64) async throws -> Bool
    @discardableResult
    func prune() async throws -> String?
    @discardableResult
    func maintenance() async throws -> Int
    func outboxStats() async throws -> OutboxStats
}

extension OutboxStore: MailerOutbox {}
