import Foundation
import Mailer
import PQ
import PortalCore
import PortalCrypto
import TestSupport
import Testing

/// A mail retried across a token key rotation goes out with a link that works; a marina on an
/// internationalised domain reaches a relay without SMTPUTF8; Message-IDs survive a restore. In
/// the serialized mail suite: a mailer with another token key must not meet other tests' mail.
extension MailerDeliveryTests {
    static let rotatedSecret = "mailer-test-rotated-token-key-9876543210zyxw"

    /// The relay answers 451 to the first attempt (sealed under the old key); the mailer that
    /// retries it holds the new key: the mail is delivered, not buried, and its link activates.
    @Test func aMailRetriedAfterATokenKeyRotationIsDeliveredWithAWorkingLink() async throws {
        let db = try MailHarness.database()
        let sink = try SMTPSink(arguments: ["--tempfail-once", "^rotate-"])
        let email = MailHarness.unique("rotate")
        let id = try #require(try MailHarness.invite(db, emails: [email]).first)
        let token = try #require(try db.query("select token_id from portal.mail_outbox where id = $1", [id]).scalar(String.self))

        // First attempt, old key: sealed, then refused for now by the relay.
        let failedOnce = try await MailHarness.withMailer(try MailHarness.environment(smtpPort: sink.port)) { _ in
            try await MailHarness.eventually(timeout: .seconds(20)) {
                try db.query("select attempts from portal.mail_outbox where id = $1 and status = 'queued'", [id]).scalar(Int.self) == 1
            }
        }
        #expect(failedOnce, "the first attempt failed transiently")
        let oldRaw = MailHarness.tokenKey.rawToken(tokenID: token)
        let sealed = try db.query("select token_hash = $2 from portal.portal_auth_tokens where id = $1",
                                  [token, TokenKey.hash(rawToken: oldRaw)]).scalar(Bool.self)
        try #require(sealed == true, "the first attempt sealed the token under the old key")
        #expect(sink.messages(to: email).isEmpty)

        // The key rotates; the retry is due now.
        try db.query("update portal.mail_outbox set run_at = now() where id = $1", [id])
        let rotated = try MailHarness.environment(smtpPort: sink.port, extra: ["PORTAL_TOKEN_KEY": Self.rotatedSecret])
        _ = try await MailHarness.withMailer(rotated) { _ in
            try await MailHarness.eventually(timeout: .seconds(20)) {
                let status = try MailHarness.status(db, id)
                return status != "queued" && status != "sending"
            }
        }
        let status = try MailHarness.status(db, id)
        let lastError = try db.query("select last_error from portal.mail_outbox where id = $1", [id]).scalar(String.self)
        #expect(status == "sent", "the retried mail was \(status ?? "?") (\(lastError ?? "no error"))")
        let mail = try #require(sink.messages(to: email).first)
        let raw = try #require(mail.token)
        #expect(raw == (try TokenKey(secret: Self.rotatedSecret)).rawToken(tokenID: token), "the link is derived from the new key")
        let gateway = try Connection(conninfo: try MailHarness.superuserURL() + " user=portal_gateway")
        let activated: String? = try gateway.query(
            "select portal_api.consume_token('activation', $1, $2)->>'email'", [TokenKey.hash(rawToken: raw), Self.scryptHash]).scalar()
        #expect(activated == email, "the mailed link activates the account")
    }

    /// The relay speaks no SMTPUTF8 (like many): a recipient and a reply-to on an IDN domain go
    /// out in punycode and arrive; every header line is 7-bit.
    @Test func anInternationalisedDomainReachesARelayWithoutSMTPUTF8() async throws {
        let db = try MailHarness.database()
        let sink = try SMTPSink(arguments: ["--no-smtputf8"])
        let local = "idn-\(UUID().uuidString.prefix(8).lowercased())"
        let id = try #require(try MailHarness.invite(db, emails: ["\(local)@bootshaus-röbel.de"]).first)
        let port = try #require(try db.query(
            "select u.port_id from portal.portal_users u join portal.mail_outbox m on m.portal_user_id = u.id where m.id = $1", [id]
        ).scalar(String.self))
        try db.query("select portal_api.set_port_contact($1, 'Info@Hafen-Müritz.de', null)", [port])
        try db.query("select portal_api.resend_activation(u.client_id) from portal.portal_users u where u.port_id = $1", [port])
        let resent = try #require(try db.query(
            "select max(m.id) from portal.mail_outbox m join portal.portal_users u on u.id = m.portal_user_id where u.port_id = $1", [port]
        ).scalar(Int64.self))
        let ascii = "\(local)@xn--bootshaus-rbel-5pb.de"
        _ = try await MailHarness.withMailer(try MailHarness.environment(smtpPort: sink.port)) { _ in
            try await MailHarness.eventually(timeout: .seconds(20)) { try MailHarness.status(db, resent) == "sent" }
        }
        let lastError = try db.query("select last_error from portal.mail_outbox where id = $1", [resent]).scalar(String.self)
        #expect(try MailHarness.status(db, resent) == "sent", "the mail was not delivered: \(lastError ?? "no error")")
        let mail = try #require(sink.messages(to: ascii).first)
        #expect(mail.header("Reply-To") == "<info@xn--hafen-mritz-zhb.de>")
        let head = mail.raw.components(separatedBy: "\r\n\r\n")[0]
        #expect(head.utf8.allSatisfy { $0 < 0x80 }, "every header line is 7-bit")
        #expect(mail.parts["html"]?.contains("href=\"mailto:info@hafen-m%C3%BCritz.de\"") == true)
    }

    /// A restore sets the outbox ids back: the new mail with an old id still gets a Message-ID of
    /// its own (the receiver saw the old one and might drop the new mail as a duplicate).
    @Test func aMailAfterARestoreHasAMessageIDNeverSeenBefore() async throws {
        let db = try MailHarness.database()
        let sink = try SMTPSink()
        let first = MailHarness.unique("restore-a")
        let id = try #require(try MailHarness.invite(db, emails: [first]).first)
        _ = try await MailHarness.withMailer(try MailHarness.environment(smtpPort: sink.port)) { _ in
            try await MailHarness.eventually(timeout: .seconds(20)) { !sink.messages(to: first).isEmpty }
        }
        let seen = try #require(sink.messages(to: first).first?.header("Message-ID"))
        // The restore: the backup predates that mail, and the identity starts over below it.
        try db.query("delete from portal.mail_outbox where id >= $1", [id])
        try db.query("select setval(pg_get_serial_sequence('portal.mail_outbox', 'id'), $1::bigint - 1, $1::bigint > 1)", [id])
        let second = MailHarness.unique("restore-b")
        let reused = try #require(try MailHarness.invite(db, emails: [second]).first)
        try #require(reused == id, "the new mail reuses the old outbox id")
        _ = try await MailHarness.withMailer(try MailHarness.environment(smtpPort: sink.port)) { _ in
            try await MailHarness.eventually(timeout: .seconds(20)) { !sink.messages(to: second).isEmpty }
        }
        let fresh = try #require(sink.messages(to: second).first?.header("Message-ID"))
        #expect(fresh != seen, "\(fresh) was already used by another mail")
        #expect(fresh.hasPrefix("<portal-auth.mail-\(id)."))
    }
}
