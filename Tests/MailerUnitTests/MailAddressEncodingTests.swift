import Foundation
import Mailer
import PortalCore
import Testing

/// Addresses in a mail are 7-bit (a relay without SMTPUTF8 refuses anything else), the
/// Message-ID is unique per mail, and the HTML mail's `mailto:` opens a message to one address.
@Suite struct MailAddressEncodingTests {
    static func message(outboxID: Int64 = 1, key: String = "5f1d", replyTo: String? = "info@hafen-müritz.de") -> MailMessage {
        MailMessage(
            outboxID: outboxID, messageKey: key, from: "noreply@portal-müritz.example", fromName: "Hafen Müritz",
            recipient: "jane@bootshaus-röbel.de", recipientName: "Jäne", subject: "Grüße", text: "t", html: "h", replyTo: replyTo)
    }

    static func head(_ message: MailMessage) -> String {
        let text = String(decoding: message.data, as: UTF8.self)
        return String(text[..<text.range(of: "\r\n\r\n")!.lowerBound])
    }

    @Test func everyHeaderIsSevenBitWithDomainsInPunycode() {
        let message = Self.message()
        let head = Self.head(message)
        #expect(head.utf8.allSatisfy { $0 < 0x80 }, "\(head)")
        #expect(head.contains("\r\nReply-To: <info@xn--hafen-mritz-zhb.de>"))
        #expect(head.contains("\r\nTo: =?UTF-8?B?") && head.contains(" <jane@xn--bootshaus-rbel-5pb.de>"))
        #expect(head.contains("\r\nFrom: =?UTF-8?B?") && head.contains(" <noreply@xn--portal-mritz-klb.example>"))
        #expect(message.recipient == "jane@xn--bootshaus-rbel-5pb.de", "the envelope's RCPT TO is ASCII too")
        #expect(message.from == "noreply@xn--portal-mritz-klb.example", "and its MAIL FROM")
    }

    @Test func aReplyToWithANonASCIILocalPartIsLeftOut() {
        #expect(!Self.head(Self.message(replyTo: "jürgen@hafen.de")).contains("Reply-To"))
    }

    @Test func theMessageIDIsStableForOneMailAndNewForAnother() {
        #expect(Self.message(key: "aa").messageID == Self.message(key: "aa").messageID, "a retry keeps it")
        #expect(Self.message(outboxID: 7, key: "aa").messageID != Self.message(outboxID: 7, key: "bb").messageID,
                "the same outbox id after a restore, another key: another Message-ID")
        #expect(Self.message(outboxID: 7, key: "0b6f-3c2e").messageID == "<portal-auth.mail-7.0b6f-3c2e@xn--portal-mritz-klb.example>")
    }

    @Test func theMailtoLinkIsPercentEncoded() {
        #expect(MailTemplates.mailto("info@north.example") == "mailto:info@north.example")
        #expect(MailTemplates.mailto("evil%40attacker.example?x=@north.example")
                == "mailto:evil%2540attacker.example%3Fx%3D@north.example")
        #expect(MailTemplates.mailto("info@hafen-müritz.de") == "mailto:info@hafen-m%C3%BCritz.de")
    }

    @Test func theHTMLMailLinksTheEncodedAddress() throws {
        let templates = try MailTemplates()
        let mail = ClaimedMail(
            id: 1, kind: .passwordChanged, recipient: "jane@example.com", tokenID: nil, tokenExpiresAt: nil, name: "Jane",
            clientName: nil, portName: "North", replyTo: "a&b@north.example", supportPhone: nil, attempts: 1)
        let html = try templates.render(kind: .passwordChanged, context: MailTemplates.context(for: mail, baseURL: "https://p.example", link: nil)).html
        #expect(html.contains("href=\"mailto:a%26b@north.example\""), "\(html)")
    }
}
