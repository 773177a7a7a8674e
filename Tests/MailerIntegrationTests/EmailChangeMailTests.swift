import Foundation
import Mailer
import PQ
import PortalCore
import PortalCrypto
import TestSupport
import Testing

/// The mails of an email change, through the real mailer into the SMTP sink: the link to the new
/// address works (it moves the account), the old address gets a notice naming the new one, and
/// an address that already has an account gets a note without a link. In the serialized mail
/// suite: its mailer would otherwise claim other tests' mail (and theirs this test's).
extension MailerDeliveryTests {
    /// Activates the invited users (as a DBA would) so they can change their address.
    static func activateForEmailChange(_ db: Connection, _ emails: [String]) throws {
        for email in emails {
            try db.query("update portal.portal_users set password_hash = $1, activated_at = now() where email = $2", [Self.scryptHash, email])
            try db.query("update portal.mail_outbox set status = 'skipped' where recipient = $1 and status = 'queued'", [email])
        }
    }

    @Test func theLinkGoesToTheNewAddressAndANoticeToTheOldOne() async throws {
        let db = try MailHarness.database()
        let sink = try SMTPSink()
        let old = MailHarness.unique("change-old")
        let new = MailHarness.unique("change-new")
        _ = try MailHarness.invite(db, emails: [old], name: "Ann Skipper")
        try Self.activateForEmailChange(db, [old])
        let userID: String = try #require(try db.query("select id from portal.portal_users where email = $1", [old]).scalar())
        try await MailHarness.withMailer(try MailHarness.environment(smtpPort: sink.port)) { (_: MailerService) async throws in
            try await Task.sleep(for: .milliseconds(300))  // let the listener connect
            try db.query("select portal_api.request_email_change($1, $2, $3)", [userID, Self.scryptHash, new])
            #expect(try await MailHarness.eventually(timeout: .seconds(10)) { !sink.messages(to: new).isEmpty && !sink.messages(to: old).isEmpty })

            let link = try #require(sink.messages(to: new).first)
            #expect(link.header("Subject") == "Confirm your new email address for the Mail Test Port client portal")
            let text = try #require(link.parts["text"])
            #expect(text.contains("Hello Ann Skipper"))
            #expect(text.contains("expires in 24 hours"))
            let token = try #require(link.token)
            #expect(text.contains("https://portal.test/portal/confirm-email?lang=en#token=\(token)"))
            #expect(try #require(link.parts["html"]).contains("https://portal.test/portal/confirm-email?lang=en#token=\(token)"))

            let notice = try #require(sink.messages(to: old).first)
            #expect(notice.header("Subject") == "A change of your email address for the Mail Test Port client portal was requested")
            #expect(notice.token == nil, "the notice carries no link")
            #expect(try #require(notice.parts["text"]).contains(new))
            #expect(try #require(notice.parts["html"]).contains(new))

            let gateway = try Connection(conninfo: try MailHarness.superuserURL() + " user=portal_gateway")
            let moved: String? = try gateway.query(
                "select portal_api.confirm_email_change($1)->>'email'", [TokenKey.hash(rawToken: token)]).scalar()
            #expect(moved == new, "the mailed link moves the account to the new address")
        }
    }

    @Test func aTakenAddressGetsANoteWithoutALink() async throws {
        let db = try MailHarness.database()
        let sink = try SMTPSink()
        let asking = MailHarness.unique("asking")
        let holder = MailHarness.unique("holder")
        _ = try MailHarness.invite(db, emails: [asking, holder], name: "Bo Bosun")
        try Self.activateForEmailChange(db, [asking, holder])
        let userID: String = try #require(try db.query("select id from portal.portal_users where email = $1", [asking]).scalar())
        try await MailHarness.withMailer(try MailHarness.environment(smtpPort: sink.port)) { (_: MailerService) async throws in
            try await Task.sleep(for: .milliseconds(300))
            try db.query("select portal_api.request_email_change($1, $2, $3)", [userID, Self.scryptHash, holder])
            #expect(try await MailHarness.eventually(timeout: .seconds(10)) { !sink.messages(to: holder).isEmpty })
            let note = try #require(sink.messages(to: holder).first)
            #expect(note.header("Subject") == "This address already has an account on the Mail Test Port client portal")
            #expect(note.token == nil, "no link to the taken address")
            #expect(try #require(note.parts["text"]).contains("nothing changed"))
            try await Task.sleep(for: .milliseconds(500))
            #expect(sink.messages(to: asking).isEmpty, "the asking account's address gets nothing: no change is pending")
        }
    }
}
