import Foundation
import Logging
@testable import Mailer
import PortalCore
import PortalCrypto
import Testing

/// The mailer's drain loop (`MailerService.drain`, as `run` calls it) over an in-memory outbox that
/// keeps each mail's state the way `sql/api/mail.sql` does (status, lease, attempts, its token's
/// life and seal), and a transport that records what went on the wire. Each test asserts where
/// the mails end up, not which calls were made. No database, no SMTP server: what those
/// guarantee is tested by the integration suites (MailerIntegrationTests) against both.
@Suite struct MailerOutcomeTests {
    static let worker = "mailer-a"

    /// Mails with their state, changed as the outbox functions change them.
    actor Outbox: MailerOutbox {
        struct Mail {
            var claimed: ClaimedMail
            var status = "queued"
            var holder: String?
            var attempts = 0
            /// False while a failed mail waits out its back-off (its run_at in the future).
            var due = true
        }
        struct Token {
            var live = true
            var hash: [UInt8]?
        }

        private(set) var mails: [Int64: Mail] = [:]
        private(set) var tokens: [String: Token] = [:]
        /// Claim order (ids), as `claim_mail` hands them out (by run_at, id).
        private var order: [Int64] = []
        nonisolated let timeline: Timeline
        /// The next `dispatch` fails as a whole (a lock timeout, the database gone): rolled back.
        private var dispatchFailure: PortalError?
        /// Seals are refused with this error (as `seal_mail_token` refuses), rolling back the call.
        private var sealRefusal: PortalError?
        /// What happens while a mail is on the wire (the lease taken over, a token revoked, …).
        private var duringSend: [Int64: @Sendable (isolated Outbox) -> Void] = [:]

        init(timeline: Timeline) { self.timeline = timeline }

        func add(_ mail: ClaimedMail) {
            mails[mail.id] = Mail(claimed: mail)
            order.append(mail.id)
            if let token = mail.tokenID { tokens[token] = Token() }
        }
        func failNextDispatch(_ error: PortalError) { dispatchFailure = error }
        func refuseSeals(_ error: PortalError?) { sealRefusal = error }
        func killToken(of id: Int64) { if let token = mails[id]?.claimed.tokenID { tokens[token]?.live = false } }
        func takeOver(_ id: Int64, by other: String) { mails[id]?.holder = other }
        func onSend(_ id: Int64, _ change: @escaping @Sendable (isolated Outbox) -> Void) { duringSend[id] = change }

        /// Called by the transport as a message goes on the wire.
        func sending(_ id: Int64) {
            duringSend.removeValue(forKey: id)?(self)
        }

        func status(_ id: Int64) -> String { mails[id]?.status ?? "gone" }
        func attempts(_ id: Int64) -> Int { mails[id]?.attempts ?? -1 }
        func tokenHash(_ id: Int64) -> [UInt8]? { mails[id]?.claimed.tokenID.flatMap { tokens[$0]?.hash } }

        nonisolated var target: String { "in memory" }
        func ping() async -> Bool { true }
        nonisolated func newMail() -> AsyncStream<(listening: Bool, reconnected: Bool)> { AsyncStream { $0.finish() } }

        /// `claim_mail`: due mails become `sending` under this worker's lease, one attempt each;
        /// a mail whose token died is skipped instead of handed out.
        func claim(limit: Int) async throws -> [ClaimedMail] {
            var batch: [ClaimedMail] = []
            for id in order where batch.count < limit && mails[id]?.status == "queued" && mails[id]?.due == true {
                guard var mail = mails[id] else { continue }
                if let token = mail.claimed.tokenID, tokens[token]?.live != true {
                    mail.status = "skipped"
                } else {
                    mail.status = "sending"
                    mail.holder = worker
                    mail.attempts += 1
                    batch.append(mail.claimed)
                }
                mails[id] = mail
            }
            return batch
        }

        /// `dispatch_mail`: renew (`renew_mail`), seal under the lease (`seal_mail_token`),
        /// complete the mail before (`complete_mail`); all or nothing.
        func dispatch(_ id: Int64, sealing seal: OutboxStore.TokenSeal?, completing previous: Int64?, sendTimeout: Int) async throws
            -> OutboxStore.Dispatch
        {
            if let failure = dispatchFailure {
                dispatchFailure = nil
                throw failure
            }
            var renewed = false
            var skippedHere = false
            if var mail = mails[id], mail.status == "sending", mail.holder == worker {
                if let token = mail.claimed.tokenID, tokens[token]?.live != true {
                    mail.status = "skipped"
                    mail.holder = nil
                    mails[id] = mail
                    skippedHere = true
                } else {
                    renewed = true
                }
            }
            if renewed, let seal {
                if let refusal = sealRefusal {
                    if skippedHere { mails[id]?.status = "sending" }
                    throw refusal
                }
                tokens[seal.tokenID]?.hash = seal.hash
            }
            let completed = previous.map { complete(id: $0) }
            return OutboxStore.Dispatch(renewed: renewed, completed: completed)
        }

        func complete(_ id: Int64) async throws -> Bool { complete(id: id) }

        private func complete(id: Int64) -> Bool {
            guard var mail = mails[id], mail.status == "sending", mail.holder == worker else { return false }
            mail.status = "sent"
            mail.holder = nil
            mails[id] = mail
            timeline.add("sent \(id)")
            return true
        }

        /// `fail_mail`: queued again (transient, attempts left) or dead; nil without the lease.
        func fail(_ id: Int64, reason: String, permanent: Bool) async throws -> String? {
            guard var mail = mails[id], mail.status == "sending", mail.holder == worker else { return nil }
            mail.status = permanent || mail.attempts >= 8 ? "dead" : "queued"
            mail.holder = nil
            mail.due = false
            mails[id] = mail
            return mail.status
        }

        func skip(_ id: Int64, reason: String) async throws -> Bool {
            guard var mail = mails[id], mail.status == "sending", mail.holder == worker else { return false }
            mail.status = "skipped"
            mail.holder = nil
            mails[id] = mail
            return true
        }

        /// `release_mail`: back to the queue without spending the attempt.
        func release(_ id: Int64) async throws -> Bool {
            guard var mail = mails[id], mail.status == "sending", mail.holder == worker else { return false }
            mail.status = "queued"
            mail.holder = nil
            mail.attempts -= 1
            mails[id] = mail
            return true
        }

        func prune() async throws -> String? { nil }
        func maintenance() async throws -> Int { 0 }
        func outboxStats() async throws -> OutboxStats {
            OutboxStats(queued: 0, retrying: 0, sending: 0, sent: 0, dead: 0, skipped: 0, oldestPendingSeconds: 0, nextRunAt: nil)
        }
    }

    /// Sends and the outbox's completions, in the order they happened.
    final class Timeline: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [String] = []
        func add(_ event: String) { lock.withLock { list.append(event) } }
        var events: [String] { lock.withLock { list } }
    }

    /// Records what went on the wire; fails as told; lets the outbox change a mail mid-send.
    final class Transport: MailTransport, @unchecked Sendable {
        private let lock = NSLock()
        private var sent: [MailMessage] = []
        var failure: MailSendError?
        let timeline: Timeline
        let outbox: Outbox
        init(timeline: Timeline, outbox: Outbox) {
            self.timeline = timeline
            self.outbox = outbox
        }
        var messages: [MailMessage] { lock.withLock { sent } }
        func send(_ message: MailMessage) throws(MailSendError) {
            let outbox = self.outbox
            let id = message.outboxID
            let done = DispatchSemaphore(value: 0)
            Task {
                await outbox.sending(id)
                done.signal()
            }
            done.wait()
            if let failure { throw failure }
            lock.withLock { sent.append(message) }
            timeline.add("wire \(message.outboxID)")
        }
    }

    static let environment = [
        "DATABASE_URL": "host=/nowhere dbname=none", "PORTAL_BASE_URL": "https://portal.test",
        "PORTAL_TOKEN_KEY": "outcome-test-token-key-0123456789abcdefgh", "MAIL_DIR": NSTemporaryDirectory(),
    ]

    struct Rig {
        let outbox: Outbox
        let transport: Transport
        let service: MailerService
        let config: MailerConfig
        var timeline: [String] { transport.timeline.events }
        var wire: [Int64] { transport.messages.map(\.outboxID) }
        func hash(of mail: ClaimedMail) -> [UInt8]? {
            mail.tokenID.map { TokenKey.hash(rawToken: config.tokenKey.rawToken(tokenID: $0)) }
        }
    }

    static func rig(_ mails: [ClaimedMail]) async throws -> Rig {
        let timeline = Timeline()
        let outbox = Outbox(timeline: timeline)
        for mail in mails { await outbox.add(mail) }
        let transport = Transport(timeline: timeline, outbox: outbox)
        let config = try MailerConfig.load(environment: environment)
        var logger = Logger(label: "test.mailer")
        logger.logLevel = .critical
        let service = MailerService(config: config, store: outbox, transport: transport, templates: try MailTemplates(), logger: logger)
        return Rig(outbox: outbox, transport: transport, service: service, config: config)
    }

    static func mail(_ id: Int64, recipient: String? = nil) -> ClaimedMail {
        ClaimedMail(
            id: id, kind: .activation, recipient: recipient ?? "guest\(id)@example.com", tokenID: "token-\(id)",
            tokenExpiresAt: Int(Date().timeIntervalSince1970) + 3600, name: nil, clientName: nil, portName: "North Harbour",
            replyTo: nil, supportPhone: nil, attempts: 1)
    }

    @Test func aDrainedBatchGoesOutInOrderEachMailSealedSentAndRecordedBeforeTheNext() async throws {
        let batch = (1...7).map { Self.mail(Int64($0)) }
        let rig = try await Self.rig(batch)
        try await rig.service.drain()
        #expect(rig.wire == Array(1...7), "one connection, the claim's order")
        for mail in batch {
            #expect(await rig.outbox.status(mail.id) == "sent")
            #expect(await rig.outbox.tokenHash(mail.id) == rig.hash(of: mail), "the link's token is sealed under the mailer's key")
        }
        // Nothing goes out before the mail before it is recorded as sent: a crash can cost at
        // most the one mail on the wire a duplicate.
        #expect(rig.timeline == (1...7).flatMap { ["wire \($0)", "sent \($0)"] })
        #expect(rig.service.stats.sent == 7)
        let text = String(decoding: try #require(rig.transport.messages.first).data, as: UTF8.self)
        #expect(text.contains("Subject: Set your password for the North Harbour client portal"))
    }

    @Test func aMailRefusedWhileRenderingEndsDeadOnceAndTheBatchGoesOn() async throws {
        let rig = try await Self.rig([Self.mail(1), Self.mail(2, recipient: "two words@example.com"), Self.mail(3)])
        try await rig.service.drain()
        #expect(rig.wire == [1, 3])
        #expect(await rig.outbox.status(1) == "sent")
        #expect(await rig.outbox.status(2) == "dead", "a malformed address never goes out")
        #expect(await rig.outbox.status(3) == "sent")
        #expect(rig.service.stats == .init(sent: 2, dead: 1), "counted once, as dead")
        #expect(rig.timeline == ["wire 1", "sent 1", "wire 3", "sent 3"])
    }

    @Test func aDatabaseFailureMidBatchCompletesTheMailOnTheWireAndReturnsTheRest() async throws {
        let rig = try await Self.rig((1...4).map { Self.mail(Int64($0)) })
        await rig.outbox.failNextDispatch(PortalError.unavailable())
        await #expect(throws: PortalError.self) { try await rig.service.drain() }
        // The failure hit the first round trip: nothing went out, everything is queued again.
        #expect(rig.wire.isEmpty)
        for id: Int64 in 1...4 { #expect(await rig.outbox.status(id) == "queued") }

        // Again, the failure after two sends: the second is completed alone, the rest go back.
        let later = try await Self.rig((1...4).map { Self.mail(Int64($0)) })
        await later.outbox.onSend(2) { $0.failNextDispatch(PortalError.unavailable()) }
        await #expect(throws: PortalError.self) { try await later.service.drain() }
        #expect(later.wire == [1, 2])
        #expect(await later.outbox.status(1) == "sent")
        #expect(await later.outbox.status(2) == "sent", "the mail on the wire is completed on its own")
        #expect(await later.outbox.status(3) == "queued")
        #expect(await later.outbox.status(4) == "queued")
        #expect(await later.outbox.attempts(3) == 0, "a mail handed back spends no attempt")
    }

    @Test func aTransientSMTPFailureIsQueuedAgainAPermanentOneIsDead() async throws {
        let transient = try await Self.rig([Self.mail(1)])
        transient.transport.failure = MailSendError(permanent: false, reason: "421 try later")
        try await transient.service.drain()
        #expect(await transient.outbox.status(1) == "queued")
        #expect(await transient.outbox.attempts(1) == 1)
        #expect(transient.service.stats.failed == 1)

        let permanent = try await Self.rig([Self.mail(1)])
        permanent.transport.failure = MailSendError(permanent: true, reason: "550 no such user")
        try await permanent.service.drain()
        #expect(await permanent.outbox.status(1) == "dead")
        #expect(permanent.service.stats.dead == 1)
    }

    @Test func aMailWhoseTokenDiedIsSkippedUnsealedAndNeverSent() async throws {
        // Dead before the claim: skipped at claim time.
        let atClaim = try await Self.rig([Self.mail(1), Self.mail(2)])
        await atClaim.outbox.killToken(of: 1)
        try await atClaim.service.drain()
        #expect(await atClaim.outbox.status(1) == "skipped")
        #expect(await atClaim.outbox.status(2) == "sent")
        #expect(atClaim.wire == [2])

        // Dead while the mail before it is on the wire: the round trip before its send skips it.
        let midBatch = try await Self.rig([Self.mail(1), Self.mail(2)])
        let outbox = midBatch.outbox
        await outbox.onSend(1) { $0.killToken(of: 2) }
        try await midBatch.service.drain()
        #expect(midBatch.wire == [1])
        #expect(await outbox.status(2) == "skipped")
        #expect(await outbox.tokenHash(2) == nil, "a mail not sent leaves its token unsealed")
        #expect(midBatch.service.stats.sent == 1 && midBatch.service.stats.notSent == 1)
    }

    @Test func aRefusedSealIsNeverSentAndTheMailBeforeIsStillRecorded() async throws {
        // The token is gone (PA001): skipped.
        let gone = try await Self.rig([Self.mail(1), Self.mail(2)])
        let outbox = gone.outbox
        await outbox.onSend(1) { $0.refuseSeals(.invalidToken) }
        try await gone.service.drain()
        #expect(gone.wire == [1])
        #expect(await outbox.status(1) == "sent", "the refusal rolled back the completion riding with it; it is completed alone")
        #expect(await outbox.status(2) == "skipped")
        #expect(gone.timeline == ["wire 1", "sent 1"])

        // The token cannot be sealed for this mail (PA009): its link could never work, dead.
        let conflict = try await Self.rig([Self.mail(1)])
        await conflict.outbox.refuseSeals(PortalError.from(.init(kind: .query, sqlState: SQLState.tokenConflict, message: "x")))
        try await conflict.service.drain()
        #expect(conflict.wire.isEmpty)
        #expect(await conflict.outbox.status(1) == "dead")
    }

    @Test func aLeaseTakenOverBeforeTheSendSendsNothingAndOneLostDuringItIsCounted() async throws {
        let before = try await Self.rig([Self.mail(1), Self.mail(2)])
        let outbox = before.outbox
        await outbox.onSend(1) { $0.takeOver(2, by: "mailer-b") }
        try await before.service.drain()
        #expect(before.wire == [1], "a lost lease: nothing sealed, nothing sent")
        #expect(await outbox.tokenHash(2) == nil)
        #expect(await outbox.status(2) == "sending", "it is the other mailer's now")

        let during = try await Self.rig([Self.mail(1)])
        await during.outbox.onSend(1) { $0.takeOver(1, by: "mailer-b") }
        try await during.service.drain()
        #expect(during.wire == [1])
        #expect(during.service.stats.leaseLost == 1)
        #expect(await during.outbox.status(1) == "sending", "not recorded as sent by a mailer without the lease")
    }
}
