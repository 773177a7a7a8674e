import Foundation
import Logging
@testable import Mailer
import PortalCore
import Testing

/// The mailer's adapter decisions over an in-memory outbox and transport: which store call each
/// outcome of the round trip before a send (renew, seal, complete) and of the send leads to (sent,
/// retry, dead, skipped, not sent). No database,
/// no SMTP server: what those guarantee is tested by the integration suites.
@Suite struct MailerOutcomeTests {
    /// The outbox calls the service made, in order.
    actor InMemoryOutbox: MailerOutbox {
        var calls: [String] = []
        /// Completions (by id) and sends (by recipient) in the order they happened.
        nonisolated let timeline: Timeline
        var renewAnswer = true
        var completeAnswer = true
        var sealFailure: PortalError?
        /// Thrown once by the next `dispatch` (the statement rolls back).
        var combinedFailure: PortalError?
        func failCombinedOnce(_ error: PortalError) { combinedFailure = error }
        var failAnswer: String? = "queued"
        /// What the next claim returns (once).
        var due: [ClaimedMail] = []

        init(timeline: Timeline = Timeline()) { self.timeline = timeline }

        func queue(_ mails: [ClaimedMail]) { due = mails }

        func set(renew: Bool = true, complete: Bool = true, seal: PortalError? = nil, fail: String? = "queued") {
            renewAnswer = renew
            completeAnswer = complete
            sealFailure = seal
            failAnswer = fail
        }

        nonisolated var target: String { "in memory" }
        func ping() async -> Bool { true }
        nonisolated func newMail() -> AsyncStream<(listening: Bool, reconnected: Bool)> { AsyncStream { $0.finish() } }
        func claim(limit: Int) async throws -> [ClaimedMail] {
            defer { due = [] }
            return due
        }
        /// Recorded as its parts: "renew", "+seal" when a token is sealed (the lease held),
        /// "+complete" when it completes the mail before; " failed" when it rolled back.
        func dispatch(_ id: Int64, sealing seal: OutboxStore.TokenSeal?, completing previous: Int64?, sendTimeout: Int) async throws
            -> OutboxStore.Dispatch
        {
            // A mail failed (dead or back in the queue) is no longer ours to renew.
            let renewed = renewAnswer && !failed.contains(id)
            var parts = ["renew"]
            if seal != nil, renewed { parts.append("seal") }
            if previous != nil { parts.append("complete") }
            let call = parts.joined(separator: "+")
            if let failure = combinedFailure ?? (seal != nil && renewed ? sealFailure : nil) {
                combinedFailure = nil
                calls.append(call + " failed")
                throw failure
            }
            calls.append(call)
            if let previous { timeline.add("complete \(previous)") }
            return OutboxStore.Dispatch(renewed: renewed, completed: previous == nil ? nil : completeAnswer)
        }
        func complete(_ id: Int64) async throws -> Bool {
            calls.append("complete")
            timeline.add("complete \(id)")
            return completeAnswer
        }
        private var failed: Set<Int64> = []
        func fail(_ id: Int64, reason: String, permanent: Bool) async throws -> String? {
            failed.insert(id)
            calls.append(permanent ? "fail permanent" : "fail")
            return permanent ? "dead" : failAnswer
        }
        func skip(_ id: Int64, reason: String) async throws -> Bool { calls.append("skip"); return true }
        func release(_ id: Int64) async throws -> Bool { calls.append("release"); return true }
        func prune() async throws -> String? { nil }
        func maintenance() async throws -> Int { 0 }
        func outboxStats() async throws -> OutboxStats {
            OutboxStats(queued: 0, retrying: 0, sending: 0, sent: 0, dead: 0, skipped: 0, oldestPendingSeconds: 0, nextRunAt: nil)
        }
    }

    /// Records what it was asked to send; fails as told.
    final class RecordingTransport: MailTransport, @unchecked Sendable {
        private let lock = NSLock()
        private var sent: [MailMessage] = []
        let failure: MailSendError?
        let timeline: Timeline
        init(failure: MailSendError? = nil, timeline: Timeline = Timeline()) {
            self.failure = failure
            self.timeline = timeline
        }
        var messages: [MailMessage] { lock.withLock { sent } }
        func send(_ message: MailMessage) throws(MailSendError) {
            if let failure { throw failure }
            lock.withLock { sent.append(message) }
            timeline.add("send \(message.outboxID)")
        }
    }

    /// Events from the outbox and the transport, in order.
    final class Timeline: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [String] = []
        func add(_ event: String) { lock.withLock { list.append(event) } }
        var events: [String] { lock.withLock { list } }
    }

    static func service(_ outbox: InMemoryOutbox, _ transport: RecordingTransport) throws -> MailerService {
        let config = try MailerConfig.load(environment: [
            "DATABASE_URL": "host=/nowhere dbname=none", "PORTAL_BASE_URL": "https://portal.test",
            "PORTAL_TOKEN_KEY": "outcome-test-token-key-0123456789abcdefgh", "MAIL_DIR": NSTemporaryDirectory(),
        ])
        var logger = Logger(label: "test.mailer")
        logger.logLevel = .critical
        return MailerService(config: config, store: outbox, transport: transport, templates: try MailTemplates(), logger: logger)
    }

    /// An outbox and a transport writing to one timeline, and the service over them.
    static func recording() throws -> (timeline: Timeline, outbox: InMemoryOutbox, transport: RecordingTransport, service: MailerService) {
        let timeline = Timeline()
        let outbox = InMemoryOutbox(timeline: timeline)
        let transport = RecordingTransport(timeline: timeline)
        return (timeline, outbox, transport, try service(outbox, transport))
    }

    static let mail = ClaimedMail(
        id: 42, kind: .activation, recipient: "jane@example.com", tokenID: "token-1",
        tokenExpiresAt: Int(Date().timeIntervalSince1970) + 3600, name: "Jane", clientName: nil, portName: "North Harbour",
        replyTo: nil, supportPhone: nil, attempts: 1)

    static func mail(_ id: Int64, recipient: String? = nil) -> ClaimedMail {
        ClaimedMail(
            id: id, kind: .activation, recipient: recipient ?? "guest\(id)@example.com", tokenID: "token-\(id)",
            tokenExpiresAt: Int(Date().timeIntervalSince1970) + 3600, name: nil, clientName: nil, portName: "North Harbour",
            replyTo: nil, supportPhone: nil, attempts: 1)
    }

    @Test func aDrainedBatchGoesOutInOrderEachMailRenewedSealedSentAndCompletedOnce() async throws {
        let (timeline, outbox, transport, service) = try Self.recording()
        let batch = (1...7).map { Self.mail(Int64($0)) }
        await outbox.queue(batch)
        try await service.drain()
        #expect(transport.messages.map(\.recipient) == batch.map(\.recipient), "one connection, the claim's order")
        // One round trip before each send: its renewal and seal, and the completion of the mail
        // before it; the last mail is completed alone.
        #expect(await outbox.calls == ["renew+seal"] + Array(repeating: "renew+seal+complete", count: 6) + ["complete"])
        // Nothing goes out before the mail before it is recorded as sent: a crash can cost at
        // most the one mail on the wire a duplicate.
        #expect(timeline.events == (1...7).flatMap { ["send \($0)", "complete \($0)"] })
        #expect(service.stats.sent == 7)
    }

    @Test func aMailRefusedWhileRenderingIsNeitherSentNorCountedTwiceAndTheBatchGoesOn() async throws {
        let (timeline, outbox, transport, service) = try Self.recording()
        await outbox.queue([Self.mail(1), Self.mail(2, recipient: "two words@example.com"), Self.mail(3)])
        try await service.drain()
        #expect(transport.messages.map(\.outboxID) == [1, 3])
        #expect(await outbox.calls.filter { $0 == "fail permanent" }.count == 1, "the malformed address ends dead")
        #expect(service.stats == .init(sent: 2, dead: 1), "counted once, as dead")
        #expect(timeline.events == ["send 1", "complete 1", "send 3", "complete 3"])
    }

    @Test func theMailSentBeforeIsCompletedInTheRoundTripBeforeTheNextSendAndAloneIfThatFails() async throws {
        let (timeline, outbox, _, service) = try Self.recording()
        let first = try #require(try await service.prepare(Self.mail(1)))
        let second = try #require(try await service.prepare(Self.mail(2)))
        let third = try #require(try await service.prepare(Self.mail(3)))
        #expect(await outbox.calls.isEmpty, "preparing a mail asks the database nothing")
        let sent = try #require(try await service.send(first), "accepted: its completion is owed")
        #expect(await outbox.calls == ["renew+seal"])
        let sentNext = try #require(try await service.send(second, completing: sent))
        #expect(await outbox.calls.suffix(1) == ["renew+seal+complete"])
        #expect(timeline.events == ["send 1", "complete 1", "send 2"], "nothing on the wire before the mail before it is recorded")
        // The statement fails (rolled back whole): the sent mail is completed alone, nothing
        // more goes out, and the error reaches the caller.
        await outbox.failCombinedOnce(PortalError.unavailable())
        await #expect(throws: PortalError.self) { _ = try await service.send(third, completing: sentNext) }
        #expect(await outbox.calls.suffix(2) == ["renew+seal+complete failed", "complete"])
        #expect(timeline.events == ["send 1", "complete 1", "send 2", "complete 2"])
        #expect(service.stats.sent == 2)
    }

    @Test func aDeliveredMailIsCompletedWithALinkFromItsSealedToken() async throws {
        let outbox = InMemoryOutbox()
        let transport = RecordingTransport()
        let service = try Self.service(outbox, transport)
        try await service.deliver(Self.mail)
        #expect(await outbox.calls == ["renew+seal", "complete"], "renewed and sealed in one round trip, sent, completed")
        #expect(service.stats.sent == 1)
        let text = String(decoding: try #require(transport.messages.first).data, as: UTF8.self)
        #expect(text.contains("Subject: Set your password for the North Harbour client portal"))
    }

    @Test func aTransientSMTPFailureIsRetriedAPermanentOneIsDead() async throws {
        let outbox = InMemoryOutbox()
        let transient = try Self.service(outbox, RecordingTransport(failure: MailSendError(permanent: false, reason: "421 try later")))
        try await transient.deliver(Self.mail)
        #expect(await outbox.calls == ["renew+seal", "fail"])
        #expect(transient.stats.failed == 1)

        let dead = InMemoryOutbox()
        let permanent = try Self.service(dead, RecordingTransport(failure: MailSendError(permanent: true, reason: "550 no such user")))
        try await permanent.deliver(Self.mail)
        #expect(await dead.calls == ["renew+seal", "fail permanent"])
        #expect(permanent.stats.dead == 1)
    }

    @Test func aTokenThatDiedOrWasSealedUnderAnotherKeyIsNeverSent() async throws {
        let gone = InMemoryOutbox()
        await gone.set(seal: .invalidToken)
        let transport = RecordingTransport()
        try await Self.service(gone, transport).deliver(Self.mail)
        #expect(await gone.calls == ["renew+seal failed", "skip"])

        let otherKey = InMemoryOutbox()
        await otherKey.set(seal: PortalError.from(.init(kind: .query, sqlState: SQLState.tokenConflict, message: "x")))
        try await Self.service(otherKey, transport).deliver(Self.mail)
        #expect(await otherKey.calls == ["renew+seal failed", "fail permanent"])
        #expect(transport.messages.isEmpty)

        // A refused seal rolls back the completion riding with it: the mail sent before is
        // completed alone, before the refused one is dealt with.
        let (timeline, after, _, service) = try Self.recording()
        let one = try #require(try await service.prepare(Self.mail(1)))
        let two = try #require(try await service.prepare(Self.mail(2)))
        let sent = try #require(try await service.send(one))
        await after.set(seal: .invalidToken)
        #expect(try await service.send(two, completing: sent) == nil)
        #expect(await after.calls == ["renew+seal", "renew+seal+complete failed", "complete", "skip"])
        #expect(timeline.events == ["send 1", "complete 1"])
        #expect(service.stats.sent == 1 && service.stats.skipped == 1)
    }

    @Test func aLostLeaseSendsNothingAndALeaseLostAfterTheSendIsCounted() async throws {
        let taken = InMemoryOutbox()
        await taken.set(renew: false)
        let transport = RecordingTransport()
        let service = try Self.service(taken, transport)
        try await service.deliver(Self.mail)
        #expect(await taken.calls == ["renew"], "a lost lease: nothing sealed, nothing sent")
        #expect(taken.timeline.events.isEmpty)
        #expect(transport.messages.isEmpty)

        let late = InMemoryOutbox()
        await late.set(complete: false)
        let lateService = try Self.service(late, transport)
        try await lateService.deliver(Self.mail)
        #expect(lateService.stats.leaseLost == 1)
    }
}
