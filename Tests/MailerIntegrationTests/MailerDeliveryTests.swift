import Foundation
import Mailer
import PQ
import PortalCore
import PortalCrypto
import TestSupport
import Testing

@Suite(.serialized, .enabled(if: TestEnvironment.hasMailDatabase, "needs the mail test database and an SMTP sink: run scripts/test.sh"), .enabled(if: TestEnvironment.hasBinary, "needs the built portal-auth: swift build, or run scripts/test.sh")) struct MailerDeliveryTests {
    static let scryptHash = "$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5"

    /// A queued invite arrives over SMTP, woken by NOTIFY (well under the 30 s poll), with the
    /// right headers and a link whose token activates the account through the gateway's function.
    @Test func anInviteArrivesWithHeadersAndAWorkingLink() async throws {
        let db = try MailHarness.database()
        let sink = try SMTPSink()
        try await MailHarness.withMailer(try MailHarness.environment(smtpPort: sink.port)) { _ in
            try await Task.sleep(for: .milliseconds(300))  // let the listener connect
            let email = MailHarness.unique("invite")
            let committed = ContinuousClock.now
            let id = try #require(try MailHarness.invite(db, emails: [email], name: "Åsa Öberg").first)
            #expect(try await MailHarness.eventually(timeout: .seconds(5)) { !sink.messages(to: email).isEmpty })
            let latency = ContinuousClock.now - committed
            #expect(latency < .seconds(5), "delivered by NOTIFY, not by the 30 s poll (took \(latency))")

            let mail = try #require(sink.messages(to: email).first)
            // The marina speaks as itself: its name is the sender's and is in the subject.
            #expect(mail.header("From") == #""Mail Test Port" <portal@marina.example>"#)
            #expect(mail.header("To")?.hasSuffix("<\(email)>") == true)
            #expect(mail.header("To")?.hasPrefix("=?UTF-8?B?") == true, "a non-ASCII name is RFC 2047 encoded")
            #expect(mail.header("Subject") == "Set your password for the Mail Test Port client portal")
            let key = try #require(try db.query("select message_key::text from portal.mail_outbox where id = $1", [id]).scalar(String.self))
            #expect(mail.header("Message-ID") == "<portal-auth.mail-\(id).\(key)@marina.example>")
            #expect(mail.header("Date") != nil)
            #expect(mail.header("Content-Type")?.hasPrefix("multipart/alternative;") == true)
            let text = try #require(mail.parts["text"])
            let html = try #require(mail.parts["html"])
            #expect(text.contains("Hello Åsa Öberg"))
            #expect(text.contains("expires in 72 hours"))
            #expect(html.contains("Åsa Öberg"))
            let token = try #require(mail.token)
            #expect(text.contains("https://portal.test/portal/activate?lang=en#token=\(token)"))
            #expect(html.contains("https://portal.test/portal/activate?lang=en#token=\(token)"))

            #expect(try await MailHarness.eventually(timeout: .seconds(2)) { try MailHarness.status(db, id) == "sent" })
            let gateway = try Connection(conninfo: try MailHarness.superuserURL() + " user=portal_gateway")
            let user: String? = try gateway.query(
                "select portal_api.consume_token('activation', $1, $2)->>'email'", [TokenKey.hash(rawToken: token), Self.scryptHash]).scalar()
            #expect(user == email, "the mailed token activates the account")
        }
    }

    @Test func htmlTemplatesEscapeData() async throws {
        let db = try MailHarness.database()
        let sink = try SMTPSink()
        try await MailHarness.withMailer(try MailHarness.environment(smtpPort: sink.port)) { _ in
            let email = MailHarness.unique("escape")
            _ = try MailHarness.invite(db, emails: [email], name: "<script>alert(1)</script>")
            #expect(try await MailHarness.eventually(timeout: .seconds(5)) { !sink.messages(to: email).isEmpty })
            let html = try #require(sink.messages(to: email).first?.parts["html"])
            #expect(!html.contains("<script>alert(1)</script>"))
            #expect(html.contains("&lt;script&gt;"))
        }
    }

    @Test func starttlsAndAuthAreUsedWhenConfigured() async throws {
        let environment = ProcessInfo.processInfo.environment
        let cert = try #require(environment["PORTAL_TEST_TLS_CERT"])
        let key = try #require(environment["PORTAL_TEST_TLS_KEY"])
        let db = try MailHarness.database()
        let sink = try SMTPSink(arguments: ["--starttls", cert, key, "--auth", "relay:s3cret-relay-pass"])
        let base = try MailHarness.environment(smtpPort: sink.port, extra: [
            "SMTP_TLS": "starttls", "SMTP_CA_FILE": cert, "SMTP_USER": "relay", "SMTP_PASS": "s3cret-relay-pass",
        ])
        try await MailHarness.withMailer(base) { _ in
            let email = MailHarness.unique("tls")
            _ = try MailHarness.invite(db, emails: [email])
            #expect(try await MailHarness.eventually(timeout: .seconds(8)) { !sink.messages(to: email).isEmpty })
            let mail = try #require(sink.messages(to: email).first)
            #expect(mail.header("X-TLS") == "yes")
            #expect(mail.header("X-Auth") == "relay")
        }
        // A wrong password is our configuration's fault, not the mail's: it waits (queued), not dead.
        var wrong = base
        wrong["SMTP_PASS"] = "wrong"
        try await MailHarness.withMailer(wrong) { _ in
            let email = MailHarness.unique("badauth")
            let id = try #require(try MailHarness.invite(db, emails: [email]).first)
            #expect(try await MailHarness.eventually(timeout: .seconds(8)) {
                try db.query("select attempts >= 1 and status = 'queued' from portal.mail_outbox where id = $1", [id]).scalar(Bool.self) == true
            })
            #expect(sink.messages(to: email).isEmpty)
            try db.query("update portal.mail_outbox set status = 'skipped' where id = $1", [id])
        }
    }

    /// SMTP down: the mail waits (back-off, last_error recorded) and arrives once it is back.
    @Test func smtpDownMailWaitsThenArrives() async throws {
        let db = try MailHarness.database()
        let sink = try SMTPSink()
        let port = sink.port
        sink.stop()
        try await MailHarness.withMailer(try MailHarness.environment(smtpPort: port, extra: ["MAILER_POLL_INTERVAL": "1"])) { _ in
            let email = MailHarness.unique("down")
            let id = try #require(try MailHarness.invite(db, emails: [email]).first)
            #expect(try await MailHarness.eventually(timeout: .seconds(5)) {
                try db.query("select last_error is not null and status = 'queued' from portal.mail_outbox where id = $1", [id]).scalar(Bool.self) == true
            })
            try sink.start()
            #expect(try await MailHarness.eventually(timeout: .seconds(20)) { try MailHarness.status(db, id) == "sent" })
            #expect(sink.messages(to: email).count == 1)
        }
    }

    /// A 550 for the recipient is permanent: dead at once, visible in the admin status; a 451
    /// is retried until the configured attempts run out, then dead too.
    @Test func permanentFailuresEndDeadAndShowInTheAdminStatus() async throws {
        let db = try MailHarness.database()
        let sink = try SMTPSink(arguments: ["--reject", "^bounce-", "--tempfail", "^later-"])
        try await MailHarness.withMailer(try MailHarness.environment(smtpPort: sink.port, extra: ["MAILER_POLL_INTERVAL": "1"])) { _ in
            let bounce = MailHarness.unique("bounce")
            let later = MailHarness.unique("later")
            let ids = try MailHarness.invite(db, emails: [bounce, later])
            #expect(try await MailHarness.eventually(timeout: .seconds(5)) { try MailHarness.status(db, ids[0]) == "dead" })
            let row = try #require(try db.query("select attempts, last_error from portal.mail_outbox where id = $1", [ids[0]]).first)
            #expect(try row.decode("attempts", as: Int.self) == 1)
            #expect((try row.decode("last_error", as: String.self))?.contains("550") == true)
            let client: String = try #require(try db.query("select client_id from portal.portal_users where email = $1", [bounce]).scalar())
            let status: String? = try db.query("select portal_api.portal_user_status($1)->'lastMail'->>'status'", [client]).scalar()
            #expect(status == "dead")

            #expect(try await MailHarness.eventually(timeout: .seconds(40)) { try MailHarness.status(db, ids[1]) == "dead" })
            #expect(try db.query("select attempts from portal.mail_outbox where id = $1", [ids[1]]).scalar(Int.self) == 5,
                    "a transient failure is retried up to mail_max_attempts")
        }
    }

    /// A tarpitting relay (DATA answered after 6 s, the lease is 5 s) and two mailers: each mail
    /// is sent once, a mail whose account was disabled mid-batch is not sent at all, and the
    /// outbox says what happened. Before `renew_mail`, the second
    /// mailer re-claimed the rest of the first one's batch when its lease ran out and both sent
    /// it, and the first sent the disabled account's mail although the outbox said skipped.
    @Test func aSlowRelayCausesNoDuplicateAndNoSendAfterADisable() async throws {
        let db = try MailHarness.database()
        let sink = try SMTPSink(arguments: ["--stall-data", "6"])
        let first = try MailHarness.environment(
            smtpPort: sink.port, extra: ["SMTP_TIMEOUT": "20", "MAILER_ID": "tarpit-one", "MAILER_POLL_INTERVAL": "1"])
        var secondEnvironment = first
        secondEnvironment["MAILER_ID"] = "tarpit-two"
        let second = secondEnvironment
        let emails = (0..<4).map { _ in MailHarness.unique("tarpit") }
        // The first mailer claims the whole batch alone (two mailers claiming at once split it
        // under SKIP LOCKED, and the disabled account's mail could then be in flight already);
        // the second starts after, and takes over what the first's lease no longer covers.
        let ids: [Int64] = try await MailHarness.withMailer(first) { _ in
            let ids = try MailHarness.invite(db, emails: emails)
            let list = "{" + ids.map(String.init).joined(separator: ",") + "}"
            #expect(try await MailHarness.eventually(timeout: .seconds(10)) {
                try db.query(
                    "select count(*) from portal.mail_outbox where id = any($1::bigint[]) and locked_by = 'tarpit-one'", [list]
                ).scalar(Int.self) == ids.count
            })
            return try await MailHarness.withMailer(second) { _ in
                try await Task.sleep(for: .seconds(1))
                let client: String = try #require(try db.query(
                    "select client_id from portal.portal_users where email = $1", [emails[3]]).scalar())
                try db.query("select portal_api.disable_portal_user($1)", [client])
                #expect(try await MailHarness.eventually(timeout: .seconds(60)) {
                    try ids.allSatisfy { ["sent", "skipped", "dead"].contains(try MailHarness.status(db, $0) ?? "") }
                })
                return ids
            }
        }
        try await Task.sleep(for: .seconds(1))
        for email in emails.prefix(3) {
            #expect(sink.messages(to: email).count == 1, "\(email) got its mail exactly once")
            #expect(try MailHarness.status(db, ids[emails.firstIndex(of: email)!]) == "sent")
        }
        #expect(sink.messages(to: emails[3]).isEmpty, "nothing is sent after the account was disabled")
        #expect(try MailHarness.status(db, ids[3]) == "skipped")
    }

    /// `MAILER_PRUNE_INTERVAL`: the mailer runs retention by itself (off by default).
    @Test func theMailerPrunesOnASchedule() async throws {
        let db = try MailHarness.database()
        let ids = try MailHarness.invite(db, emails: [MailHarness.unique("old")])
        try db.query("""
            update portal.mail_outbox set status = 'sent', sent_at = now() - interval '60 days',
                   created_at = now() - interval '60 days', locked_by = null, locked_until = null
             where id = $1
            """, [ids[0]])
        let before: Int = try #require(try db.query(
            "select count(*) from portal.auth_events where event = 'pruned'").scalar(Int.self))
        let environment = try MailHarness.environment(
            smtpPort: nil, extra: ["MAILER_PRUNE_INTERVAL": "1", "MAILER_POLL_INTERVAL": "1",
                                   "MAIL_DIR": FileManager.default.temporaryDirectory.appendingPathComponent("prune-\(UUID().uuidString)").path])
        let defaults = try MailerConfig.load(environment: try MailHarness.environment(smtpPort: nil))
        #expect(defaults.pruneInterval == nil, "off by default")
        try await MailHarness.withMailer(environment) { (_: MailerService) async throws in
            #expect(try await MailHarness.eventually(timeout: .seconds(15)) { try MailHarness.status(db, ids[0]) == nil })
        }
        let after: Int = try #require(try db.query(
            "select count(*) from portal.auth_events where event = 'pruned'").scalar(Int.self))
        #expect(after > before, "the prune left its audit row")
    }

    /// Two mailers drain one outbox together: every mail once, none twice.
    @Test func twoMailersShareTheOutboxWithoutDuplicates() async throws {
        let db = try MailHarness.database()
        let sink = try SMTPSink()
        var first = try MailHarness.environment(smtpPort: sink.port)
        first["MAILER_ID"] = "mailer-one"
        var secondEnvironment = first
        secondEnvironment["MAILER_ID"] = "mailer-two"
        let second = secondEnvironment
        let emails = (0..<120).map { _ in MailHarness.unique("pair") }
        let (one, two) = try await MailHarness.withMailer(first) { a in
            try await MailHarness.withMailer(second) { b in
                try await Task.sleep(for: .milliseconds(300))
                _ = try MailHarness.invite(db, emails: emails)
                #expect(try await MailHarness.eventually(timeout: .seconds(30)) {
                    Set(sink.messages().compactMap { $0.header("X-Envelope-To") }).isSuperset(of: emails)
                })
                return (a.stats.sent, b.stats.sent)
            }
        }
        let mine = sink.messages().filter { emails.contains($0.header("X-Envelope-To") ?? "") }
        let received = mine.compactMap { $0.header("X-Envelope-To") }
        let connections = Set(mine.compactMap { $0.header("X-Peer") })
        #expect(connections.count < 40, "mails of a batch share an SMTP connection (\(connections.count) for 120 mails)")
        #expect(received.count == 120, "every mail exactly once")
        #expect(Set(received).count == 120)
        #expect(one + two >= 120)
        print("two mailers: mailer-one sent \(one), mailer-two sent \(two)")
    }

    /// A template in MAIL_TEMPLATES_DIR replaces the shipped one of the same name.
    @Test func templatesCanBeOverriddenFromAFolder() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "{{% CONTENT_TYPE: TEXT}}Welcome aboard, {{name}}".write(
            to: folder.appendingPathComponent("activation.subject.mustache"), atomically: true, encoding: .utf8)
        let db = try MailHarness.database()
        let sink = try SMTPSink()
        try await MailHarness.withMailer(try MailHarness.environment(smtpPort: sink.port, extra: ["MAIL_TEMPLATES_DIR": folder.path])) {
            (_: MailerService) async throws in
            let email = MailHarness.unique("template")
            _ = try MailHarness.invite(db, emails: [email], name: "Captain")
            let arrived = try await MailHarness.eventually(timeout: .seconds(5)) { !sink.messages(to: email).isEmpty }
            #expect(arrived)
            let mail = try #require(sink.messages(to: email).first)
            #expect(mail.header("Subject") == "Welcome aboard, Captain")
            #expect(mail.parts["text"]?.contains("set your password here") == true, "the other parts are the shipped ones")
        }
        let broken = folder.appendingPathComponent("reset.html.mustache")
        try "{{#unclosed}}".write(to: broken, atomically: true, encoding: .utf8)
        #expect(throws: ConfigError.self) { try MailTemplates(overrideDirectory: folder.path) }
    }

    /// A mail whose token was revoked before sending is skipped, not sent.
    /// Mails without a link (the password changed) take the round trips without a seal: the
    /// first of a batch renews alone, the next one also completes the mail before it.
    @Test func mailsWithoutALinkAreSentAndCompleted() async throws {
        let db = try MailHarness.database()
        let sink = try SMTPSink()
        let emails = [MailHarness.unique("changed-a"), MailHarness.unique("changed-b")]
        _ = try MailHarness.invite(db, emails: emails)
        for email in emails {
            try db.query("update portal.mail_outbox set status = 'skipped' where recipient = $1 and status = 'queued'", [email])
        }
        let ids: [Int64] = try db.withTransaction { db in
            try emails.map { email in
                try #require(try db.query(
                    "select portal.queue_mail('password_changed', u) from portal.portal_users u where u.email = $1", [email]
                ).scalar(Int64.self))
            }
        }
        try await MailHarness.withMailer(try MailHarness.environment(smtpPort: sink.port)) { (_: MailerService) async throws in
            #expect(try await MailHarness.eventually(timeout: .seconds(10)) { emails.allSatisfy { !sink.messages(to: $0).isEmpty } })
            #expect(try await MailHarness.eventually(timeout: .seconds(5)) { try ids.allSatisfy { try MailHarness.status(db, $0) == "sent" } })
            for email in emails {
                #expect(sink.messages(to: email).count == 1)
                #expect(sink.messages(to: email).first?.token == nil, "no link in it")
            }
        }
    }

    @Test func aMailWhoseTokenWasRevokedIsSkipped() async throws {
        let db = try MailHarness.database()
        let sink = try SMTPSink()
        let email = MailHarness.unique("resent")
        let first = try #require(try MailHarness.invite(db, emails: [email]).first)
        let client: String = try #require(try db.query("select client_id from portal.portal_users where email = $1", [email]).scalar())
        try db.query("select portal_api.resend_activation($1)", [client])
        try await MailHarness.withMailer(try MailHarness.environment(smtpPort: sink.port)) { (_: MailerService) async throws in
            let delivered = try await MailHarness.eventually(timeout: .seconds(5)) { sink.messages(to: email).count == 1 }
            #expect(delivered)
            #expect(try MailHarness.status(db, first) == "skipped")
        }
    }
}

extension MailerDeliveryTests {
    /// `LOG_FORMAT=json`: one JSON object per line, with time, level, label and message.
    @Test func jsonLogsAreOneObjectPerLine() async throws {
        let binary = try #require(TestEnvironment.binary, "the portal-auth binary is not built")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["mailer"]
        var environment = try MailHarness.environment(smtpPort: nil)
        environment["LOG_FORMAT"] = "json"
        environment["MAIL_DIR"] = FileManager.default.temporaryDirectory.appendingPathComponent("json-\(UUID().uuidString)").path
        process.environment = environment
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("json-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        let started = try await MailHarness.eventually(timeout: .seconds(10)) {
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("mailer started")
        }
        kill(process.processIdentifier, SIGTERM)
        waitForExit(process, timeout: 10)
        stopProcess(process, signal: SIGKILL)
        #expect(started)
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            #expect(object["level"] as? String != nil)
            #expect(object["msg"] as? String != nil)
            #expect(object["ts"] as? String != nil)
        }
    }
}
