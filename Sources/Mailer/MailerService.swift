import Foundation
import Logging
import PortalCore
import PortalCrypto
import ServiceLifecycle

/// The mailer loop (DESIGN §7).
///
/// `LISTEN portal_mail` wakes it; a poll every `pollInterval` is the backstop (a notification is
/// a hint, the outbox is the truth). Each wake drains the outbox: claim a batch (lease, SKIP
/// LOCKED), and for each mail derive its token, render, seal, send, and mark it sent — or
/// failed with back-off, dead, or skipped. After every (re)connect of the listener it drains
/// again. On graceful shutdown (SIGTERM/SIGINT) it finishes the mail in hand, releases the rest of
/// the batch and returns. Any number of mailers may run against one database.
public final class MailerService: Service, Sendable {
    public let config: MailerConfig
    let store: any MailerOutbox
    let transport: any MailTransport
    let templates: MailTemplates
    let smtpThread: WorkerPool
    let logger: Logger
    /// This process's counters and latencies (served on `MAILER_METRICS_ADDRESS` when set).
    public let metrics: MailerMetrics
    private let wake = WakeSignal()
    private let counters = Counters()

    public init(config: MailerConfig, store: any MailerOutbox, transport: any MailTransport, templates: MailTemplates,
                metrics: MailerMetrics = MailerMetrics(), logger: Logger) {
        self.config = config
        self.metrics = metrics
        self.store = store
        self.transport = transport
        self.templates = templates
        smtpThread = WorkerPool(workers: 1, queueLimit: 10_000, name: "smtp")
        self.logger = logger
    }

    /// Mails sent, failed (will retry), dead, skipped, and sends whose lease had been lost.
    public var stats: Counters.Snapshot { counters.snapshot }

    public func run() async throws {
        let listenerTask = Task { [wake, logger, store, metrics] in
            for await event in store.newMail() {
                if event.listening, event.reconnected {
                    metrics.listenReconnects.increment()
                    logger.info("listening again after a reconnect; draining the outbox")
                }
                wake.signal()
            }
        }
        let pollTask = Task { [wake, config] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(config.pollInterval))
                wake.signal()
            }
        }
        defer {
            listenerTask.cancel()
            pollTask.cancel()
            smtpThread.shutdown()
        }
        logger.info("mailer started", metadata: ["worker": "\(config.workerID)", "delivery": "\(deliveryName)"])
        let target = store.target
        if await store.ping() {
            logger.info("database reachable", metadata: ["target": "\(target)"])
            // A role without the mailer's grants reaches the database and fails every call: say
            // which role lacks which grant (the loop below keeps retrying: a GRANT fixes it).
            if let postgres = store as? OutboxStore, let finding = try? await postgres.checkGrants(), !finding.isComplete {
                logger.error("\(RoleGrants.mailer.sentence(finding))")
            }
        } else {
            logger.warning("starting without the database; mail waits in the outbox until it answers", metadata: ["target": "\(target)"])
        }

        var backoff = 0.25
        var failing = false
        var lastMaintenance = ContinuousClock.now
        var lastPrune = ContinuousClock.now
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                do {
                    try await drain()
                    backoff = 0.25
                    if failing {
                        failing = false
                        logger.info("outbox reachable again; mail flows")
                    }
                    if ContinuousClock.now - lastMaintenance > .seconds(60) {
                        lastMaintenance = .now
                        _ = try? await store.maintenance()
                    }
                    if let interval = config.pruneInterval, ContinuousClock.now - lastPrune > .seconds(interval) {
                        lastPrune = .now
                        if let counts = try? await store.prune() {
                            logger.info("pruned", metadata: ["deleted": "\(counts)"])
                        }
                    }
                    await wake.wait()
                } catch {
                    // Once per outage: the pool has logged libpq's reason and the target.
                    if !failing {
                        failing = true
                        if let denial = (error as? PortalError)?.privilegeDenial {
                            // A missing grant (42501): the role, what was denied and the fix, not a bare code.
                            logger.error("\(RoleGrants.mailer.denial(denial)); retrying until it may")
                        } else {
                            logger.warning("outbox unavailable; retrying until it answers", metadata: ["error": "\(error)"])
                        }
                    }
                    await wake.wait(timeout: backoff)
                    backoff = min(backoff * 2, 5)
                }
            }
        } onGracefulShutdown: { [wake] in
            wake.signal()
        }
        logger.info("mailer stopped", metadata: ["sent": "\(counters.snapshot.sent)"])
    }

    private var deliveryName: String {
        switch config.delivery {
        case .smtp(let settings): return "smtp://\(settings.host):\(settings.port) (\(settings.security.rawValue))"
        case .files(let directory): return "files in \(directory)"
        }
    }

    /// Claims and delivers until the outbox has nothing due, or shutdown begins.
    ///
    /// Sends go one at a time, in the claim's order, on one SMTP connection. Each is preceded by
    /// one round trip and one durable commit (`dispatch`) that renews its lease, seals its token
    /// and records the mail before it as sent — so nothing is on the wire before the mail before
    /// it is recorded, and a crash can cost at most the one mail on the wire a duplicate.
    /// At shutdown the mail on the wire finishes; the rest of the batch goes back to the queue.
    func drain() async throws {
        while !Task.isShuttingDownGracefully {
            let batch = try await store.claim(limit: config.batchSize)
            if batch.isEmpty { return }
            metrics.claimBatchSize.record(Double(batch.count))
            // The mail on the wire last, until its completion is durable: that happens in the
            // round trip before the next send, or alone.
            var owed: ClaimedMail?
            // The first mail of the batch not yet sent or dealt with.
            var next = 0
            // The next mail, rendered while the one before it is on the wire.
            var upcoming: Task<ReadyMail?, Error>?
            do {
                upcoming = prepareAhead(batch[0])
                while let preparing = upcoming, !Task.isShuttingDownGracefully {
                    upcoming = next + 1 < batch.count ? prepareAhead(batch[next + 1]) : nil
                    // `send` clears `owed` once that mail's completion is in; on an error, what
                    // it could not complete is still here for the catch below.
                    let sent = try await send(batch[next], rendering: preparing, owed: &owed)
                    owed = sent
                    next += 1
                }
                _ = try? await upcoming?.value
                if let sent = owed.take() { try await settle(sent) }
            } catch {
                // A mail that went out is completed if the database still answers (else its lease
                // runs out and it goes again: the one duplicate a crash may cost); the mail in
                // hand and the rest of the batch go back to the queue now rather than when the
                // lease runs out.
                _ = try? await upcoming?.value
                if let sent = owed.take() { try? await settle(sent) }
                for rest in batch[next...] { _ = try? await store.release(rest.id) }
                throw error
            }
            if next < batch.count {
                // Shutdown began: what was not started goes back to the queue now.
                for rest in batch[next...] { _ = try? await store.release(rest.id) }
                return
            }
        }
    }

    /// `prepare` in a task of its own: rendering (a fifth of the mailer's CPU) overlaps the
    /// send before it, and its own mail's round trip, instead of adding to them.
    private func prepareAhead(_ mail: ClaimedMail) -> Task<ReadyMail?, Error> {
        Task { try await self.prepare(mail) }
    }

    /// A mail rendered, waiting for its send.
    struct ReadyMail: Sendable {
        let mail: ClaimedMail
        let message: MailMessage
    }

    /// The first half of a mail, without the database unless the mail is refused: check the
    /// recipient, derive the token and its link, render. The second half, `send`, renews the
    /// lease and seals the token in the round trip right before the SMTP conversation.
    ///
    /// Nil when the mail was dealt with here (a bad recipient, or a template that would not
    /// render: dead); otherwise the message, ready for `send`.
    private func prepare(_ mail: ClaimedMail) async throws -> ReadyMail? {
        // Rows written under the looser rule of old (the CHECK is NOT VALID for them) must not
        // put header specials into RCPT TO or To:.
        guard EmailAddress.isValid(mail.recipient) else {
            record(try await store.fail(mail.id, reason: "malformed recipient address", permanent: true) == nil ? .notSent : .dead)
            logger.error("mail not sent: malformed recipient address", metadata: ["outboxId": "\(mail.id)"])
            return nil
        }
        let link = mail.tokenID.map { tokenID in
            PortalPaths.link(
                baseURL: config.baseURL, type: mail.kind.tokenType ?? .reset, rawToken: config.tokenKey.rawToken(tokenID: tokenID),
                language: templates.language(of: mail))
        }
        let message: MailMessage
        do {
            let context = MailTemplates.context(for: mail, baseURL: config.baseURL, link: link)
            let rendered = try templates.render(kind: mail.kind, context: context)
            message = MailMessage(
                outboxID: mail.id, messageKey: mail.messageKey, from: config.from, fromName: config.fromName ?? mail.portName ?? "Client Portal",
                recipient: mail.recipient, recipientName: mail.name, subject: rendered.subject, text: rendered.text,
                html: rendered.html, replyTo: mail.replyTo, language: templates.language(of: mail))
        } catch {
            record(try await store.fail(mail.id, reason: "could not render the mail", permanent: true) == nil ? .notSent : .dead)
            return nil
        }
        return ReadyMail(mail: mail, message: message)
    }

    /// Renews the lease, seals the token and completes `owed` (the mail sent before) in one round
    /// trip (`dispatch`), then sends and records a failure. Returns the mail when the relay
    /// accepted it: its completion is owed, to `settle` or to the next `send`, before anything
    /// else goes out.
    ///
    /// The renewal right before the send is what keeps a slow relay from causing duplicates: a
    /// batch is claimed under one short lease, and a relay that takes `SMTP_TIMEOUT` per mail
    /// would let the lease of the later mails run out while this mailer still works through the
    /// batch, so another mailer could claim and send them too. Renewed, each mail's lease covers
    /// its own send (`SMTP_TIMEOUT` + 10 s at least); a mail whose lease was already taken over, or
    /// whose token died meanwhile (resend, disable, expiry), is not sent at all, and its token is
    /// not sealed.
    ///
    /// The round trip is under way while `rendering` (this mail's `prepare`) finishes: the seal
    /// needs the token, not the message. A mail `prepare` refused (and failed) is not sent; the
    /// round trip did no harm (a renewed lease, a seal of a link never mailed). `owed`, the mail
    /// sent before, is nil once its completion is in (always, when this returns).
    private func send(_ mail: ClaimedMail, rendering: Task<ReadyMail?, Error>, owed: inout ClaimedMail?) async throws -> ClaimedMail? {
        let previous = owed
        let seal = mail.tokenID.map { tokenID in
            OutboxStore.TokenSeal(tokenID: tokenID, hash: TokenKey.hash(rawToken: config.tokenKey.rawToken(tokenID: tokenID)))
        }
        let dispatch: OutboxStore.Dispatch
        do {
            dispatch = try await store.dispatch(mail.id, sealing: seal, completing: previous?.id, sendTimeout: config.sendTimeoutSeconds)
        } catch let error as PortalError where error.reason == .invalidToken || error.reason == .tokenConflict {
            // The seal refused, and the statement rolled back as a whole: the sent mail is
            // completed on its own before anything else happens.
            if let previous {
                try await settle(previous)
                owed = nil
            }
            // A mail `prepare` refused was failed and counted there.
            guard case .some(.some) = try? await rendering.value else { return nil }
            if error.reason == .invalidToken {
                record(try await store.skip(mail.id, reason: "token no longer exists") ? .skipped : .notSent)
            } else {
                // The seal was refused although the lease is ours (`seal_mail_token` re-seals an
                // unsent mail's live token under the current key): this mail's link could never work.
                let status = try await store.fail(mail.id, reason: "token sealed under a different token key", permanent: true)
                record(status == nil ? .notSent : .dead)
                logger.error("token sealed under a different key; check PORTAL_TOKEN_KEY", metadata: ["outboxId": "\(mail.id)"])
            }
            return nil
        } catch {
            // Rolled back as a whole (a lock, a timeout, the database gone): the sent mail is
            // completed on its own if the database still answers, before giving up; this mail's
            // `prepare` finishes first, so the caller's release of it comes after any fail.
            if let previous, (try? await settle(previous)) != nil { owed = nil }
            _ = try? await rendering.value
            throw error
        }
        owed = nil
        if let previous, let completed = dispatch.completed { recordCompletion(of: previous, completed: completed) }
        guard dispatch.renewed else {
            // Not counted twice: a mail `prepare` refused was counted there (dead).
            if case .some(.some) = try? await rendering.value { record(.notSent) }
            return nil
        }
        guard let message = try await rendering.value?.message else { return nil }
        let transport = self.transport
        let sendStart = ContinuousClock.now
        let outcome: Result<Void, MailSendError> = try await smtpThread.run {
            do throws(MailSendError) {
                try transport.send(message)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        let (seconds, attoseconds) = (ContinuousClock.now - sendStart).components
        metrics.sendDuration.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        switch outcome {
        case .success:
            return mail
        case .failure(let error):
            let status = try await store.fail(mail.id, reason: error.reason, permanent: error.permanent)
            record(status == nil ? .notSent : status == "dead" ? .dead : .failed)
            logger.warning("mail not sent", metadata: [
                "outboxId": "\(mail.id)", "reason": "\(error.reason)", "status": "\(status ?? "lease lost")",
            ])
            return nil
        }
    }

    /// Completes a sent mail on its own (the last of a batch, or one with no send after it).
    func settle(_ sent: ClaimedMail) async throws {
        recordCompletion(of: sent, completed: try await store.complete(sent.id))
    }

    private func recordCompletion(of mail: ClaimedMail, completed: Bool) {
        if completed {
            record(.sent)
        } else {
            // The lease ran out while sending and another mailer took it: it may go twice.
            record(.leaseLost)
            logger.warning("mail sent after its lease was lost", metadata: ["outboxId": "\(mail.id)"])
        }
    }

    /// Counts `outcome` here (tests read `stats`) and in the Prometheus registry.
    private func record(_ outcome: MailerMetrics.Outcome) {
        switch outcome {
        case .sent: counters.add(\.sent)
        case .failed: counters.add(\.failed)
        case .dead: counters.add(\.dead)
        case .skipped: counters.add(\.skipped)
        case .leaseLost: counters.add(\.leaseLost)
        case .notSent: counters.add(\.notSent)
        }
        metrics.record(outcome)
    }

    /// Outcome counters, readable from any thread.
    public final class Counters: @unchecked Sendable {
        public struct Snapshot: Sendable, Equatable {
            public var sent = 0
            public var failed = 0
            public var dead = 0
            public var skipped = 0
            public var leaseLost = 0
            /// Claimed but not sent: the lease was taken over, or the token died before the send.
            public var notSent = 0
        }
        private let lock = NSLock()
        private var value = Snapshot()
        var snapshot: Snapshot { lock.withLock { value } }
        func add(_ key: WritableKeyPath<Snapshot, Int>) { lock.withLock { value[keyPath: key] += 1 } }
    }
}

/// A level-triggered wake-up: `signal` any number of times, `wait` returns once per burst.
final class WakeSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?

    func signal() {
        lock.lock()
        if let waiter {
            self.waiter = nil
            lock.unlock()
            waiter.resume()
            return
        }
        pending = true
        lock.unlock()
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if pending {
                pending = false
                lock.unlock()
                continuation.resume()
                return
            }
            let previous = waiter
            waiter = continuation
            lock.unlock()
            previous?.resume()
        }
    }

    /// Waits for a signal, or `timeout` seconds.
    func wait(timeout: Double) async {
        let timer = Task { [weak self] in
            try? await Task.sleep(for: .seconds(timeout))
            self?.signal()
        }
        await wait()
        timer.cancel()
    }
}
