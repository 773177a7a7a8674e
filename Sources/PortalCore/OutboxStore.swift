import Foundation
import Logging
import PQ

/// A mail claimed from the outbox.
public struct ClaimedMail: Sendable {
    public let id: Int64
    public let kind: MailKind
    public let recipient: String
    public let tokenID: String?
    /// Seconds since 1970 when the token expires.
    public let tokenExpiresAt: Int?
    public let name: String?
    public let clientName: String?
    /// The marina (port) and its contact, queued with the mail.
    public let portName: String?
    public let replyTo: String?
    public let supportPhone: String?
    public let attempts: Int

    public init(
        id: Int64, kind: MailKind, recipient: String, tokenID: String?, tokenExpiresAt: Int?, name: String?, clientName: String?,
        portName: String?, replyTo: String?, supportPhone: String?, attempts: Int
    ) {
        self.id = id
        self.kind = kind
        self.recipient = recipient
        self.tokenID = tokenID
        self.tokenExpiresAt = tokenExpiresAt
        self.name = name
        self.clientName = clientName
        self.portName = portName
        self.replyTo = replyTo
        self.supportPhone = supportPhone
        self.attempts = attempts
    }
}

/// `mail_outbox.kind` read from a row. The table's CHECK allows only the known kinds, so one this
/// build does not know is a bug, and fails the claim as an internal error (`StoreRow`).
extension MailKind: PQDecodable {
    public init(pqText: String) throws {
        guard let kind = MailKind(rawValue: pqText) else {
            throw PQError(kind: .decoding, message: "a column value did not decode as MailKind")
        }
        self = kind
    }
}

/// The mailer's half of the SQL API (`portal_api`, role `portal_mailer`), one Swift function per
/// SQL function: the mailer's one door to the database, its LISTEN included. Every failure
/// arrives as a `PortalError` (from the SQLSTATE), so the mailer knows nothing of libpq.
public struct OutboxStore: Sendable {
    let pool: ConnectionPool
    public let worker: String
    private let conninfo: String
    private let logger: Logger

    /// The functions this store calls: with `StoreGrants.everyRole`, exactly `portal_mailer`'s
    /// grants (a test compares the two).
    public static let functions: Set<String> = [
        "claim_mail", "renew_mail", "seal_token", "complete_mail", "fail_mail", "skip_mail", "release_mail", "prune",
        "maintenance", "outbox_stats",
    ]

    public init(pool: ConnectionPool, conninfo: String, worker: String, logger: Logger) {
        self.pool = pool
        self.conninfo = conninfo
        self.worker = worker
        self.logger = logger
    }

    /// Where the store connects, without the password (for start-up and outage lines).
    public var target: String { Connection.describeTarget(conninfo: conninfo) }

    /// Whether the database answers now.
    public func ping() async -> Bool {
        (try? await pool.query("select 1")) != nil
    }

    /// Wakes for every NOTIFY on `portal_mail` (a new mail); `reconnected` is true when the
    /// listener got its connection back after losing it (drain the outbox: NOTIFYs were missed).
    public func newMail() -> AsyncStream<(listening: Bool, reconnected: Bool)> {
        let listener = Listener(conninfo: conninfo, logger: logger)
        return AsyncStream { continuation in
            let task = Task {
                for await event in listener.notifications(on: "portal_mail") {
                    if case .listening(let reconnected) = event {
                        continuation.yield((true, reconnected))
                    } else {
                        continuation.yield((false, false))
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func query(_ sql: String, _ parameters: [any PQEncodable] = []) async throws -> StoreRows {
        do {
            return StoreRows(rows: try await pool.query(sql, parameters))
        } catch let error as PQError {
            throw PortalError.from(error)
        }
    }

    /// `portal_api.claim_mail`: up to `limit` due mails, leased to this worker.
    public func claim(limit: Int) async throws -> [ClaimedMail] {
        let rows = try await query("""
            select id, kind, recipient, token_id, extract(epoch from token_expires_at)::bigint as expires,
                   data->>'name' as name, data->>'clientName' as client_name, data->>'portName' as port_name,
                   data->>'replyTo' as reply_to, data->>'supportPhone' as support_phone, attempts
              from portal_api.claim_mail($1, $2)
            """, [worker, limit])
        return try rows.map { row in
            ClaimedMail(
                id: try row.require("id"), kind: try row.require("kind"), recipient: try row.require("recipient"),
                tokenID: try row.decode("token_id"), tokenExpiresAt: try row.decode("expires"),
                name: try row.decode("name"), clientName: try row.decode("client_name"), portName: try row.decode("port_name"),
                replyTo: try row.decode("reply_to"), supportPhone: try row.decode("support_phone"),
                attempts: try row.require("attempts"))
        }
    }

    /// `portal_api.renew_mail`: true when this worker still holds the lease and the token is
    /// live (the lease now covers a send of `sendTimeout` seconds); false: send nothing.
    public func renew(_ id: Int64, sendTimeout: Int) async throws -> Bool {
        try await query(
            "select portal_api.renew_mail($1, $2, make_interval(secs => $3))", [id, worker, sendTimeout]
        ).scalar(Bool.self) ?? false
    }

    /// `portal_api.seal_token`.
    public func seal(tokenID: String, hash: [UInt8]) async throws {
        // Durable before the mail goes out, whatever the session's synchronous_commit: the
        // set_config is local to this statement's transaction, so its COMMIT waits for the flush.
        _ = try await query(
            "select portal_api.seal_token($1, $2), set_config('synchronous_commit', 'on', true)", [tokenID, hash])
    }

    /// `portal_api.complete_mail`: false when the lease was lost (another mailer re-claimed it).
    ///
    /// Durable before the next mail goes out, like the seal: a completion lost to a crash or a
    /// failover sends its mail again, so an asynchronous one would put every mail sent since the
    /// last flush at risk of a duplicate instead of only the mail on the wire.
    public func complete(_ id: Int64) async throws -> Bool {
        try await query(
            "select portal_api.complete_mail($1, $2), set_config('synchronous_commit', 'on', true)", [id, worker]
        ).scalar(Bool.self) ?? false
    }

    /// `portal_api.complete_mail` for the mail just sent and `portal_api.renew_mail` for the next
    /// one, in one round trip and one durable commit (see `complete`): the next mail's last
    /// check before its send costs nothing extra. `completed` false: the sent mail's lease was
    /// lost; `renewed` false: send the next one not at all.
    public func complete(_ id: Int64, renewing next: Int64, sendTimeout: Int) async throws -> (completed: Bool, renewed: Bool) {
        let row = try await query("""
            select portal_api.complete_mail($1, $2) as completed,
                   portal_api.renew_mail($3, $2, make_interval(secs => $4)) as renewed,
                   set_config('synchronous_commit', 'on', true)
            """, [id, worker, next, sendTimeout]).first
        guard let row else { throw AuthStore.unexpected("answer from complete_mail and renew_mail") }
        return (try row.decode("completed") ?? false, try row.decode("renewed") ?? false)
    }

    /// `portal_api.fail_mail`: the new status (`queued` or `dead`), nil when the lease was lost.
    @discardableResult
    public func fail(_ id: Int64, reason: String, permanent: Bool) async throws -> String? {
        try await query("select portal_api.fail_mail($1, $2, $3, $4)", [id, worker, reason, permanent]).scalar()
    }

    /// `portal_api.skip_mail`.
    @discardableResult
    public func skip(_ id: Int64, reason: String) async throws -> Bool {
        try await query("select portal_api.skip_mail($1, $2, $3)", [id, worker, reason]).scalar(Bool.self) ?? false
    }

    /// `portal_api.release_mail`: back to the queue without spending an attempt.
    @discardableResult
    public func release(_ id: Int64) async throws -> Bool {
        try await query("select portal_api.release_mail($1, $2)", [id, worker]).scalar(Bool.self) ?? false
    }

    /// `portal_api.prune` with its default retention: the counts deleted, as JSON text.
    @discardableResult
    public func prune() async throws -> String? {
        try await query("select portal_api.prune()::text").scalar()
    }

    /// `portal_api.outbox_stats`: mails by status and the oldest pending one's age.
    public func outboxStats() async throws -> OutboxStats {
        guard let text: String = try await query("select portal_api.outbox_stats()").scalar(),
              let stats = try? JSONDecoder().decode(OutboxStats.self, from: Data(text.utf8))
        else { throw AuthStore.unexpected("answer from outbox_stats") }
        return stats
    }

    /// `portal_api.maintenance`.
    @discardableResult
    public func maintenance() async throws -> Int {
        try await query("select portal_api.maintenance()").scalar(Int.self) ?? 0
    }
}
