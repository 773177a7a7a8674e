import Foundation
import Mustache
import PortalCore

/// The mail templates (swift-mustache), one subject, text and HTML template per kind:
/// `<kind>.subject.mustache`, `<kind>.text.mustache`, `<kind>.html.mustache`. The shipped ones
/// live in `Sources/Mailer/Templates`; a file of the same name in `MAIL_TEMPLATES_DIR`
/// overrides one. HTML templates escape every value; text templates declare
/// `{{% CONTENT_TYPE: TEXT}}`.
public struct MailTemplates: Sendable {
    static let parts = ["subject", "text", "html"]

    private let templates: [String: MustacheTemplate]

    /// Loads and parses every template now, so a broken override stops the mailer at start.
    public init(overrideDirectory: String? = nil) throws {
        var templates: [String: MustacheTemplate] = [:]
        for kind in MailKind.allCases {
            for part in Self.parts {
                let name = "\(kind.rawValue).\(part)"
                let source: String
                if let overrideDirectory,
                   let text = try? String(contentsOfFile: "\(overrideDirectory)/\(name).mustache", encoding: .utf8) {
                    source = text
                } else {
                    guard let url = Bundle.module.url(forResource: name, withExtension: "mustache", subdirectory: "Templates") else {
                        throw ConfigError("mail template \(name).mustache is missing")
                    }
                    source = try String(contentsOf: url, encoding: .utf8)
                }
                do {
                    templates[name] = try MustacheTemplate(string: source)
                } catch {
                    throw ConfigError("mail template \(name).mustache does not parse")
                }
            }
        }
        self.templates = templates
    }

    /// The rendered subject (one line), text and HTML of a mail.
    public func render(kind: MailKind, context: [String: Any]) throws -> (subject: String, text: String, html: String) {
        guard let subject = templates["\(kind.rawValue).subject"], let text = templates["\(kind.rawValue).text"],
              let html = templates["\(kind.rawValue).html"]
        else { throw ConfigError("no templates for mail kind \(kind.rawValue)") }
        let line = subject.render(context).split(whereSeparator: \.isNewline).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        return (line, text.render(context), html.render(context))
    }

    /// The values every template receives (README "Mail templates"):
    /// `name` (the user's, or "there"), `email`, `baseURL`, `portName` (the marina, or "the client
    /// portal" wording when unknown: test with `{{#portName}}`), `clientName`, `replyTo`,
    /// `supportPhone` (each only when set), `newEmail` (an email change's new address), and for link
    /// mails `link` and `expiresIn` ("72 hours").
    public static func context(for mail: ClaimedMail, baseURL: String, link: String?, now: Date = Date()) -> [String: Any] {
        var context: [String: Any] = ["name": mail.name ?? "there", "email": mail.recipient, "baseURL": baseURL]
        if let portName = mail.portName { context["portName"] = portName }
        if let clientName = mail.clientName { context["clientName"] = clientName }
        if let replyTo = mail.replyTo {
            context["replyTo"] = replyTo
            context["replyToMailto"] = mailto(replyTo)
        }
        if let supportPhone = mail.supportPhone { context["supportPhone"] = supportPhone }
        if let newEmail = mail.newEmail { context["newEmail"] = newEmail }
        if let link { context["link"] = link }
        if let expires = mail.tokenExpiresAt {
            context["expiresIn"] = expiryInWords(secondsLeft: expires - Int(now.timeIntervalSince1970))
        }
        return context
    }

    /// `mailto:` and the address percent-encoded (RFC 6068) but for letters, digits, `-._~` and
    /// the `@`: whatever the address holds, the link opens a message to that one address (a `?`,
    /// `%` or `&` cannot add a header or another recipient).
    public static func mailto(_ address: String) -> String {
        var out = "mailto:"
        for byte in address.utf8 {
            let scalar = Unicode.Scalar(byte)
            if byte < 0x80, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-._~@".unicodeScalars.contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// "72 hours", "1 hour", "30 minutes", "3 days": how long from `now` until `expiresAt`.
    public static func expiryInWords(secondsLeft: Int) -> String {
        let minutes = max(1, Int((Double(secondsLeft) / 60).rounded()))
        if minutes < 90 { return minutes == 1 ? "1 minute" : "\(minutes) minutes" }
        let hours = Int((Double(minutes) / 60).rounded())
        if hours <= 72 { return hours == 1 ? "1 hour" : "\(hours) hours" }
        let days = Int((Double(hours) / 24).rounded())
        return days == 1 ? "1 day" : "\(days) days"
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
