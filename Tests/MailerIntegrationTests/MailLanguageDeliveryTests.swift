import Foundation
import Mailer
import PQ
import PortalCore
import TestSupport
import Testing

/// Mails in the client's language through the real mailer into the SMTP sink: the port's
/// language and time zone, the client's own language over the port's, and a change of language
/// between queueing and sending. In the serialized mail suite: its mailer would otherwise claim
/// other tests' mail (and theirs this test's).
extension MailerDeliveryTests {
    /// A port with a language and zone, and one client of it; returns (port, client).
    static func languagePort(_ db: Connection, locale: String?, timeZone: String?) throws -> (port: String, client: String) {
        let port: String = try #require(try db.query("select portal_api.create_port('Marina Kaštela')").scalar())
        try db.query("select portal_api.set_port_locale($1, $2, $3)", [port, locale, timeZone])
        let client: String = try #require(try db.query("select portal_api.create_client($1, 'Jadran d.o.o.')", [port]).scalar())
        return (port, client)
    }

    /// The token's expiry as the mail must write it: the language's date, in `zone`.
    static func expiry(_ db: Connection, email: String, language: String, zone: String) throws -> String {
        let epoch: Int = try #require(try db.query(
            """
            select extract(epoch from t.expires_at)::bigint from portal.portal_auth_tokens t
              join portal.portal_users u on u.id = t.portal_user_id
             where u.email = $1 and t.used_at is null and t.revoked_at is null order by t.created_at desc limit 1
            """, [email]).scalar(Int.self))
        return Catalogue.dateTime(
            Date(timeIntervalSince1970: TimeInterval(epoch)), language: language, timeZone: try #require(TimeZone(identifier: zone)))
    }

    @Test func aCroatianPortsInviteIsCroatianWithZagrebTime() async throws {
        let db = try MailHarness.database()
        let sink = try SMTPSink()
        let catalogue = try Catalogue()
        let (_, client) = try Self.languagePort(db, locale: "hr", timeZone: "Europe/Zagreb")
        let email = MailHarness.unique("kapetan")
        try await MailHarness.withMailer(try MailHarness.environment(smtpPort: sink.port)) { (_: MailerService) async throws in
            try await Task.sleep(for: .milliseconds(300))  // let the listener connect
            try db.query("select portal_api.invite($1, $2, 'Ivo Kapetan')", [client, email])
            #expect(try await MailHarness.eventually(timeout: .seconds(10)) { !sink.messages(to: email).isEmpty })
            let mail = try #require(sink.messages(to: email).first)
            #expect(mail.header("Content-Language") == "hr")
            let subject = try #require(mail.header("Subject"))
            #expect(subject.hasPrefix("=?UTF-8?B?"), "the Croatian subject (š) is RFC 2047 encoded: \(subject)")
            #expect(try ReceivedMail.decodeEncodedWords(subject)
                == catalogue.format("mail.activation.subject", language: "hr", ["portName": "Marina Kaštela"]))
            let text = try #require(mail.parts["text"])
            #expect(text.hasPrefix(catalogue.format("mail.greeting", language: "hr", ["name": "Ivo Kapetan"])), "\(text)")
            let zagreb = try Self.expiry(db, email: email, language: "hr", zone: "Europe/Zagreb")
            #expect(text.contains(zagreb), "the expiry in Zagreb time (\(zagreb)): \(text)")
            #expect(!text.contains(try Self.expiry(db, email: email, language: "hr", zone: "UTC")), "not in UTC")
            #expect(try #require(mail.parts["html"]).contains(#"<html lang="hr">"#))
        }
    }

    @Test func aClientsOwnGreekWinsOverTheGermanPort() async throws {
        let db = try MailHarness.database()
        let sink = try SMTPSink()
        let catalogue = try Catalogue()
        let (_, client) = try Self.languagePort(db, locale: "de", timeZone: "Europe/Berlin")
        let (_, germanClient) = try Self.languagePort(db, locale: "de", timeZone: "Europe/Berlin")
        let greek = MailHarness.unique("kapetanios")
        let german = MailHarness.unique("kapitaen")
        try await MailHarness.withMailer(try MailHarness.environment(smtpPort: sink.port)) { (_: MailerService) async throws in
            try await Task.sleep(for: .milliseconds(300))
            try db.query("select portal_api.invite($1, $2, 'Nikos', 'crm', 'el')", [client, greek])
            try db.query("select portal_api.invite($1, $2, 'Hans')", [germanClient, german])
            #expect(try await MailHarness.eventually(timeout: .seconds(10)) {
                !sink.messages(to: greek).isEmpty && !sink.messages(to: german).isEmpty
            })
            let mail = try #require(sink.messages(to: greek).first)
            #expect(mail.header("Content-Language") == "el")
            let subject = try ReceivedMail.decodeEncodedWords(try #require(mail.header("Subject")))
            #expect(subject == catalogue.format("mail.activation.subject", language: "el", ["portName": "Marina Kaštela"]))
            #expect(subject.contains("πύλη πελατών"), "\(subject)")
            let text = try #require(mail.parts["text"])
            #expect(text.contains(try Self.expiry(db, email: greek, language: "el", zone: "Europe/Berlin")), "the port's zone: \(text)")

            let germanMail = try #require(sink.messages(to: german).first)
            #expect(germanMail.header("Content-Language") == "de")
            #expect(try ReceivedMail.decodeEncodedWords(try #require(germanMail.header("Subject")))
                == catalogue.format("mail.activation.subject", language: "de", ["portName": "Marina Kaštela"]))
            let germanText = try #require(germanMail.parts["text"])
            let berlin = try Self.expiry(db, email: german, language: "de", zone: "Europe/Berlin")
            #expect(germanText.contains("gültig bis zum \(berlin) ME"), "German date, Berlin time and zone: \(germanText)")
        }
    }

    @Test func aMailIsWrittenInTheLanguageInForceWhenItIsSent() async throws {
        let db = try MailHarness.database()
        let sink = try SMTPSink()
        let catalogue = try Catalogue()
        let (port, client) = try Self.languagePort(db, locale: "de", timeZone: "Europe/Berlin")
        let email = MailHarness.unique("switcher")
        // Queued while nobody sends: the client reads Greek, then switches the pages to French.
        try db.query("select portal_api.invite($1, $2, 'Nikos', 'crm', 'el')", [client, email])
        try Self.activateForEmailChange(db, [email])
        let userID: String = try #require(try db.query("select id from portal.portal_users where email = $1", [email]).scalar())
        let epoch: Int = try #require(try db.query("select session_epoch from portal.portal_users where id = $1", [userID]).scalar(Int.self))
        try db.query(
            "select portal_api.sign_in_record($1, $2, $3, true, null, null, null, 'jti-switch', now() + interval '1 hour')",
            [email, userID, Self.scryptHash])
        try db.query("select portal_api.request_password_reset($1)", [email])
        let gateway = try Connection(conninfo: try MailHarness.superuserURL() + " user=portal_gateway")
        let chosen: String? = try gateway.query(
            "select portal_api.set_portal_user_locale($1, $2, 'jti-switch', 'fr')->>'locale'", [userID, epoch]).scalar()
        #expect(chosen == "fr")
        try db.query("select portal_api.set_port_locale($1, 'de', 'Europe/Paris')", [port])
        try await MailHarness.withMailer(try MailHarness.environment(smtpPort: sink.port)) { (_: MailerService) async throws in
            #expect(try await MailHarness.eventually(timeout: .seconds(10)) { !sink.messages(to: email).isEmpty })
            let mail = try #require(sink.messages(to: email).first)
            #expect(mail.header("Content-Language") == "fr", "queued while Greek, sent after the switch: French")
            #expect(try ReceivedMail.decodeEncodedWords(try #require(mail.header("Subject")))
                == catalogue.format("mail.reset.subject", language: "fr", ["portName": "Marina Kaštela"]))
            let text = try #require(mail.parts["text"])
            #expect(text.contains(try Self.expiry(db, email: email, language: "fr", zone: "Europe/Paris")), "\(text)")
        }
    }
}

extension ReceivedMail {
    /// An unfolded header with its RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`)
    /// decoded; white space between two encoded words is dropped (§6.2), and each word must be
    /// whole UTF-8 on its own (§5).
    static func decodeEncodedWords(_ field: String) throws -> String {
        let pattern = /=\?(?i:UTF-8)\?([BbQq])\?([^?]*)\?=/
        var out = ""
        var rest = Substring(field)
        var previousWasWord = false
        while let match = rest.firstMatch(of: pattern) {
            let between = rest[..<match.range.lowerBound]
            if !(previousWasWord && between.allSatisfy(\.isWhitespace)) { out += between }
            var bytes: [UInt8] = []
            if match.output.1.uppercased() == "B" {
                bytes = Array(try #require(Data(base64Encoded: String(match.output.2))))
            } else {
                var encoded = Array(match.output.2.utf8)[...]
                while let byte = encoded.popFirst() {
                    if byte == UInt8(ascii: "_") {
                        bytes.append(0x20)
                    } else if byte == UInt8(ascii: "="), encoded.count >= 2 {
                        bytes.append(try #require(UInt8(String(decoding: encoded.prefix(2), as: UTF8.self), radix: 16)))
                        encoded = encoded.dropFirst(2)
                    } else {
                        bytes.append(byte)
                    }
                }
            }
            out += try #require(String(validating: bytes, as: UTF8.self), "an encoded word splits a character")
            rest = rest[match.range.upperBound...]
            previousWasWord = true
        }
        return out + rest
    }
}
