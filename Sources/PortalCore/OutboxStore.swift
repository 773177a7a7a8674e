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
    /// The address an email change moves to (its notice names it).
    public let newEmail: String?
    public let attempts: Int
    /// The mail's random key (`mail_outbox.message_key`): the same for every attempt of this mail,
    /// never the same for two mails, even after a restore set the outbox ids back. Its Message-ID
    /// is built from id and key.
    public let messageKey: String
    /// The language to write the mail in (a stored BCP 47 tag: the user's own, else the port's,
    /// else `en`) and the time zone for its times (the port's, else `UTC`), both resolved by
    /// `claim_mail` when it claimed the mail, not when the mail was queued.
    public let language: String
    public let timeZone: String

    public init(
        id: Int64, kind: MailKind, recipient: String, tokenID: String?, tokenExpiresAt: Int?, name: String?, clientName: String?,
        portName: String?, replyTo: String?, supportPhone: String?, attempts: Int, messageKey: String = UUID().uuidString.lowercased(),
        newEmail: String? = nil, language: String = "en", timeZone: String = "UTC"
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
        self.newEmail = newEmail
        self.attempts = attempts
        self.messageKey = messageKey
        self.language = language
        self.timeZone = timeZone
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
        "claim_mail", "dispatch_mail", "complete_mail", "fail_mail", "skip_mail", "release_mail", "prune",
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

    /// Whether the connected role may call every function the mailer calls (`RoleGrants`).
    public func checkGrants() async throws -> RoleGrants.Finding {
        try await RoleGrants.mailer.check(on: pool)
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
                   data->>'replyTo' as reply_to, data->>'supportPhone' as support_phone, data->>'newEmail' as new_email, attempts,
                   message_key::text as message_key, language, time_zone
              from portal_api.claim_mail($1, $2)
            """, [worker, limit])
        return try rows.map { row in
            ClaimedMail(
                id: try row.require("id"), kind: try row.require("kind"), recipient: try row.require("recipient"),
                tokenID: try row.decode("token_id"), tokenExpiresAt: try row.decode("expires"),
                name: try row.decode("name"), clientName: try row.decode("client_name"), portName: try row.decode("port_name"),
                replyTo: try row.decode("reply_to"), supportPhone: try row.decode("support_phone"),
                attempts: try row.require("attempts"), messageKey: try row.require("message_key"),
                newEmail: try row.decode("new_email"), language: try row.decode("language") ?? "en",
                timeZone: try row.decode("time_zone") ?? "UTC")
        }
    }

    /// A token to seal with the send: its id and the hash of the raw token the mail carries.
    public struct TokenSeal: Sendable, Equatable {
        public let tokenID: String
        public let hash: [UInt8]

        public init(tokenID: String, hash: [UInt8]) {
            self.tokenID = tokenID
            self.hash = hash
        }
    }

    /// What the round trip before a send answered: `renewed` false, send nothing (the lease was
    /// taken over, or the token died: resend, disable, expiry); `completed` false, the mail sent
    /// before had lost its lease (nil: no mail was completed).
    public struct Dispatch: Sendable, Equatable {
        public let renewed: Bool
        public let completed: Bool?

        public init(renewed: Bool, completed: Bool?) {
            self.renewed = renewed
            self.completed = completed
        }
    }

    /// The one round trip right before a mail's send, `portal_api.dispatch_mail`: the lease renewed
    /// to cover a send of `sendTimeout` seconds (the token re-checked); then — only while the
    /// lease is ours, so a mailer that lost it never seals under its own key — the token sealed
    /// (re-sealed when an earlier token key sealed this unsent mail: it goes out with a link that
    /// works); and the mail sent before it completed. One statement, one durable commit: the
    /// seal must survive before the link goes out, and a completion lost to a crash or a failover
    /// sends its mail again.
    ///
    /// A seal that fails (`invalidToken`: the token is gone; `tokenConflict`: the token can no
    /// longer be sealed for this mail) rolls the whole call back, the completion too: the caller
    /// completes that mail alone.
    public func dispatch(_ id: Int64, sealing seal: TokenSeal?, completing previous: Int64?, sendTimeout: Int) async throws -> Dispatch {
        let row = try await query(
            "select renewed, completed from portal_api.dispatch_mail($1, $2, make_interval(secs => $3), $4, $5, $6)",
            [id, worker, sendTimeout, seal?.tokenID, seal?.hash, previous]
        ).first
        guard let row else { throw AuthStore.unexpected("answer from dispatch_mail") }
        return Dispatch(renewed: try row.decode("renewed") ?? false, completed: previous == nil ? nil : try row.decode("completed") ?? false)
    }

    /// `portal_api.complete_mail` alone (the last mail of a batch, or one with no send after it):
    /// false when the lease was lost (another mailer re-claimed it). Durable, as in `dispatch`.
    public func complete(_ id: Int64) async throws -> Bool {
        try await query(
            "select portal_api.complete_mail($1, $2)", [id, worker]
        ).scalar(Bool.self) ?? false
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
