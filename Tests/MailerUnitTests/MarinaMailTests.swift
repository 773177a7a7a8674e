import Foundation
import Mailer
import PortalCore
import Testing

/// Each marina speaks as itself: the shipped templates name the marina and its contact, and the
/// message carries its Reply-To. No database, no SMTP server.
@Suite struct MarinaMailTests {
    static func mail(portName: String? = "North Harbour", replyTo: String? = nil, phone: String? = nil, kind: MailKind = .activation)
        -> ClaimedMail
    {
        ClaimedMail(
            id: 7, kind: kind, recipient: "jane@example.com", tokenID: kind.tokenType == nil ? nil : "t1",
            tokenExpiresAt: kind.tokenType == nil ? nil : Int(Date().timeIntervalSince1970) + 72 * 3600, name: "Jane",
            clientName: "Jane Boats", portName: portName, replyTo: replyTo, supportPhone: phone, attempts: 1)
    }

    static func render(_ mail: ClaimedMail) throws -> (subject: String, text: String, html: String) {
        let link: String? = mail.tokenID == nil ? nil : "https://portal.test/portal/activate#token=abc"
        return try MailTemplates().render(kind: mail.kind, context: MailTemplates.context(for: mail, baseURL: "https://portal.test", link: link))
    }

    @Test func everyKindNamesTheMarinaAndItsContact() throws {
        for kind in MailKind.allCases {
            let rendered = try Self.render(Self.mail(replyTo: "office@north.example", phone: "+44 1632 960123", kind: kind))
            #expect(rendered.subject.contains("North Harbour client portal"), "\(kind): \(rendered.subject)")
            #expect(rendered.text.contains("the North Harbour client portal"), "\(kind)")
            #expect(rendered.text.contains("Questions? Call +44 1632 960123 or write to office@north.example."), "\(kind): \(rendered.text)")
            #expect(rendered.html.contains(#"<a href="mailto:office@north.example">office@north.example</a>"#), "\(kind)")
        }
        #expect(try Self.render(Self.mail()).subject == "Set your password for the North Harbour client portal")
    }

    @Test func withoutAContactThereIsNoQuestionsLine() throws {
        let rendered = try Self.render(Self.mail())
        #expect(!rendered.text.contains("Questions?"))
        #expect(try Self.render(Self.mail(replyTo: "office@north.example")).text.contains("Questions? Write to office@north.example."))
        #expect(try Self.render(Self.mail(phone: "+1 555 0100")).text.contains("Questions? Call +1 555 0100."))
    }

    @Test func aMailQueuedBeforeMarinasHadNamesStillReads() throws {
        let rendered = try Self.render(Self.mail(portName: nil))
        #expect(rendered.subject == "Set your password for the client portal")
        #expect(rendered.text.contains("on the client portal."))
    }

    @Test func theMessageCarriesTheMarinasReplyTo() {
        func headers(_ replyTo: String?) -> String {
            let message = MailMessage(
                outboxID: 1, messageKey: "k", from: "noreply@portal.example", fromName: "North Harbour", recipient: "jane@example.com",
                recipientName: "Jane", subject: "s", text: "t", html: "h", replyTo: replyTo)
            let text = String(decoding: message.data, as: UTF8.self)
            return String(text[..<text.range(of: "\r\n\r\n")!.lowerBound])
        }
        #expect(headers("office@north.example").contains("\r\nReply-To: <office@north.example>"))
        #expect(headers("office@north.example").contains(#"From: "North Harbour" <noreply@portal.example>"#))
        #expect(!headers(nil).contains("Reply-To"))
        #expect(!headers("a@b.example\r\nBcc: x@evil.example").contains("Bcc"), "a line break never makes a header")
    }
}
