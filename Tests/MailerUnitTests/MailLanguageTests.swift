import Foundation
import Logging
import Mailer
import PortalCore
import Testing

/// Mails in the client's language: the sentences from the catalogue in the language `claim_mail`
/// resolved, `Content-Language`, a subject outside ASCII as RFC 2047 encoded words, and the
/// link's expiry in the marina's time zone. No database, no SMTP server (MailerIntegrationTests send them
/// through the real sink).
@Suite struct MailLanguageTests {
    /// 2026-12-05 13:30 UTC: 14:30 in Berlin and Zagreb (CET), 15:30 in Athens (EET).
    static let expiry = 1_796_477_400

    static func mail(
        _ kind: MailKind = .activation, language: String, timeZone: String = "UTC", portName: String? = "Marina Kaštela",
        clientName: String? = "Jadran d.o.o.", name: String? = "Ivo"
    ) -> ClaimedMail {
        ClaimedMail(
            id: 42, kind: kind, recipient: "ivo@jadran.example", tokenID: kind.tokenType == nil ? nil : "t1",
            tokenExpiresAt: kind.tokenType == nil ? nil : expiry, name: name, clientName: clientName, portName: portName,
            replyTo: "ured@kastela.example", supportPhone: "+385 21 123 456", attempts: 1, language: language, timeZone: timeZone)
    }

    static func render(_ mail: ClaimedMail, templates: MailTemplates? = nil) throws -> (subject: String, text: String, html: String) {
        let templates = try templates ?? MailTemplates()
        let now = Date(timeIntervalSince1970: TimeInterval(expiry - 72 * 3600))
        return try templates.render(
            kind: mail.kind, context: MailTemplates.context(for: mail, baseURL: "https://portal.test", link: "https://portal.test/x", now: now))
    }

    /// The header block of a message, its folded lines joined (RFC 5322 §2.2.3).
    static func headers(_ message: MailMessage) -> [String: String] {
        let text = String(decoding: message.data, as: UTF8.self)
        let block = String(text[..<text.range(of: "\r\n\r\n")!.lowerBound])
        var fields: [String: String] = [:]
        var last: String?
        for line in block.components(separatedBy: "\r\n") {
            if line.hasPrefix(" ") || line.hasPrefix("\t"), let last {
                fields[last, default: ""] += line
            } else if let colon = line.firstIndex(of: ":") {
                last = String(line[..<colon])
                fields[last!] = String(line[line.index(after: colon)...].dropFirst())
            }
        }
        return fields
    }

    /// An RFC 2047 decoder for `=?UTF-8?B?…?=` and `=?UTF-8?Q?…?=` words: the white space between
    /// two encoded words is dropped (§6.2); each word must decode to whole UTF-8 on its own (§5).
    static func decode(_ field: String) throws -> String {
        let pattern = /=\?UTF-8\?([BQ])\?([^?]*)\?=/
        var out = ""
        var rest = Substring(field)
        var previousWasWord = false
        while let match = rest.firstMatch(of: pattern) {
            let between = rest[..<match.range.lowerBound]
            if !(previousWasWord && between.allSatisfy(\.isWhitespace)) { out += between }
            let bytes: [UInt8]
            if match.output.1 == "B" {
                bytes = Array(try #require(Data(base64Encoded: String(match.output.2))))
            } else {
                var decoded: [UInt8] = []
                var scalars = Array(match.output.2.utf8)[...]
                while let byte = scalars.popFirst() {
                    if byte == UInt8(ascii: "_") {
                        decoded.append(0x20)
                    } else if byte == UInt8(ascii: "="), scalars.count >= 2 {
                        decoded.append(try #require(UInt8(String(decoding: scalars.prefix(2), as: UTF8.self), radix: 16)))
                        scalars = scalars.dropFirst(2)
                    } else {
                        decoded.append(byte)
                    }
                }
                bytes = decoded
            }
            out += try #require(String(validating: bytes, as: UTF8.self), "an encoded word splits a character")
            rest = rest[match.range.upperBound...]
            previousWasWord = true
        }
        return out + rest
    }

    static func message(subject: String, language: String?) -> MailMessage {
        MailMessage(
            outboxID: 9, messageKey: "k", from: "noreply@portal.example", fromName: "Marina", recipient: "a@b.example",
            recipientName: nil, subject: subject, text: "t", html: "h", language: language)
    }

    // MARK: RFC 2047

    @Test(arguments: [
        "Ορίστε τον κωδικό πρόσβασής σας για την πύλη πελατών Μαρίνα Γουβιών",
        "Postavite lozinku za korisnički portal Marina Kaštela – Split, Šibenik i Žirje",
        "Ελληνικά", "a", "e\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}x",
    ])
    func aSubjectOutsideASCIIRoundTripsThroughEncodedWords(subject: String) throws {
        let message = Self.message(subject: subject, language: "el")
        let raw = String(decoding: message.data, as: UTF8.self)
        let block = String(raw[..<raw.range(of: "\r\n\r\n")!.lowerBound])
        #expect(block.unicodeScalars.allSatisfy { $0.isASCII }, "every header line is 7-bit")
        let subjectLines = block.components(separatedBy: "\r\n").drop { !$0.hasPrefix("Subject:") }
            .prefix { $0.hasPrefix("Subject:") || $0.hasPrefix(" ") }
        for line in subjectLines {
            #expect(line.count <= 76, "a line with encoded words is at most 76 characters: \(line)")
            for word in line.matches(of: /=\?[^ ]*\?=/) { #expect(word.output.count <= 75, "\(word.output)") }
        }
        let field = try #require(Self.headers(message)["Subject"])
        #expect(try Self.decode(field) == subject)
    }

    @Test func encodedNamesInFromAndToKeepEveryLineUnder76() throws {
        let message = MailMessage(
            outboxID: 9, messageKey: "k", from: "noreply@a-rather-long-marina-domain.example", fromName: "Marina Kaštela – Split, Šibenik i Žirje",
            recipient: "kapetanios.nikolaos@another-long-domain.example", recipientName: "Νικόλαος Παπαδόπουλος", subject: "s",
            text: "t", html: "h", language: "el")
        let raw = String(decoding: message.data, as: UTF8.self)
        let block = String(raw[..<raw.range(of: "\r\n\r\n")!.lowerBound])
        for line in block.components(separatedBy: "\r\n") where line.contains("=?") {
            #expect(line.count <= 76, "\(line)")
        }
        let headers = Self.headers(message)
        #expect(try Self.decode(try #require(headers["From"])) == "Marina Kaštela – Split, Šibenik i Žirje <noreply@a-rather-long-marina-domain.example>")
        #expect(try Self.decode(try #require(headers["To"])) == "Νικόλαος Παπαδόπουλος <kapetanios.nikolaos@another-long-domain.example>")
    }

    @Test func anASCIISubjectStaysReadable() throws {
        #expect(Self.headers(Self.message(subject: "Set your password", language: "en"))["Subject"] == "Set your password")
    }

    @Test func theDecoderReadsQEncodingToo() throws {
        #expect(try Self.decode("=?UTF-8?Q?Marina_Ka=C5=A1tela?=") == "Marina Kaštela")
        #expect(try Self.decode("=?UTF-8?B?zpHOsg==?= =?UTF-8?B?zrM=?=") == "Αβγ", "white space between encoded words is dropped")
    }

    // MARK: Content-Language

    @Test func contentLanguageNamesTheLanguageWritten() throws {
        #expect(Self.headers(Self.message(subject: "s", language: "el"))["Content-Language"] == "el")
        #expect(Self.headers(Self.message(subject: "s", language: "sr-Latn-RS"))["Content-Language"] == "sr-Latn-RS")
        #expect(Self.headers(Self.message(subject: "s", language: nil))["Content-Language"] == nil)
        let forged = Self.message(subject: "s", language: "de\r\nBcc: x@evil.example")
        #expect(Self.headers(forged)["Content-Language"] == nil && Self.headers(forged)["Bcc"] == nil,
                "only a normalised tag becomes the header")
    }

    @Test func theLanguageIsTheNearestCatalogue() throws {
        let templates = try MailTemplates()
        #expect(templates.language(of: Self.mail(language: "de-AT")) == "de")
        #expect(templates.language(of: Self.mail(language: "hr")) == "hr")
        #expect(templates.language(of: Self.mail(language: "pt-BR")) == "en", "no Portuguese catalogue: English")
    }

    // MARK: The sentences

    @Test func germanCroatianAndGreekMailsComeFromTheirCatalogues() throws {
        let catalogue = try Catalogue()
        for language in ["de", "hr", "el", "fr", "da"] {
            let rendered = try Self.render(Self.mail(language: language, timeZone: "Europe/Zagreb"))
            #expect(rendered.subject == catalogue.format("mail.activation.subject", language: language, ["portName": "Marina Kaštela"]))
            #expect(rendered.text.hasPrefix(catalogue.format("mail.greeting", language: language, ["name": "Ivo"])), "\(language)")
            #expect(rendered.html.contains("<html lang=\"\(language)\">"))
            #expect(rendered.text.contains(catalogue.format(
                "mail.activation.created", language: language, ["clientName": "Jadran d.o.o.", "portName": "Marina Kaštela"])))
            #expect(rendered.html.contains(catalogue.format("mail.activation.button", language: language)))
        }
        #expect(try Self.render(Self.mail(language: "el")).subject.contains("πύλη πελατών"))
        #expect(try Self.render(Self.mail(language: "hr")).subject.contains("korisnički portal"))
    }

    @Test func theLinksExpiryIsInTheMarinasZoneAndTheLanguagesWords() throws {
        let german = try Self.render(Self.mail(language: "de", timeZone: "Europe/Berlin"))
        #expect(german.text.contains("gültig bis zum 5. Dezember 2026 um 14:30 MEZ"), "\(german.text)")
        #expect(german.text.contains("läuft in 72 Stunden ab"), "\(german.text)")
        let croatian = try Self.render(Self.mail(language: "hr", timeZone: "Europe/Zagreb"))
        #expect(croatian.text.contains("5. prosinca 2026."), "\(croatian.text)")
        #expect(croatian.text.contains("14:30"), "Zagreb time, not UTC: \(croatian.text)")
        #expect(croatian.text.contains("72 sata"), "Croatian's few form: \(croatian.text)")
        let greek = try Self.render(Self.mail(language: "el", timeZone: "Europe/Athens"))
        #expect(greek.text.contains("5 Δεκεμβρίου 2026"), "\(greek.text)")
        #expect(greek.text.contains("3:30") && !greek.text.contains("13:30"), "Athens time, not UTC: \(greek.text)")
        let utc = try Self.render(Self.mail(language: "en"))
        #expect(utc.text.contains("December 5, 2026 at 1:30"), "a port without a zone: UTC: \(utc.text)")
    }

    @Test func theVariantsFollowWhatTheMailKnows() throws {
        let catalogue = try Catalogue()
        let generic = try Self.render(Self.mail(language: "de", portName: nil, clientName: nil, name: nil))
        #expect(generic.subject == catalogue.format("mail.activation.subject.generic", language: "de"))
        #expect(generic.text.hasPrefix(catalogue.format("mail.greeting.noName", language: "de")))
        #expect(generic.text.contains(catalogue.format("mail.activation.created.noClient.generic", language: "de")))
        let questions = catalogue.format(
            "mail.questions.phoneAndEmail", language: "hr", ["phone": "+385 21 123 456", "email": "ured@kastela.example"])
        let croatian = try Self.render(Self.mail(.passwordChanged, language: "hr"))
        #expect(croatian.text.contains(questions))
        #expect(croatian.html.contains(#"<a href="mailto:ured@kastela.example">ured@kastela.example</a>"#))
    }

    @Test func namesAreEscapedInTheHTMLInEveryLanguage() throws {
        let rendered = try Self.render(Self.mail(language: "el", clientName: "<b>Evil</b> & Co"))
        #expect(rendered.html.contains("&lt;b&gt;Evil&lt;/b&gt; &amp; Co"))
        #expect(!rendered.html.contains("<b>Evil"))
        #expect(rendered.text.contains("<b>Evil</b> & Co"), "the text part is text")
    }

    @Test func aBrokenOrMissingLocalesFolderStopsTheMailerAtStart() throws {
        var environment = [
            "DATABASE_URL": "host=/tmp dbname=portal user=portal_mailer", "PORTAL_TOKEN_KEY": String(repeating: "k", count: 32),
            "MAIL_LOCALES_DIR": "/nonexistent/portal-locales",
        ]
        #expect(throws: ConfigError("MAIL_LOCALES_DIR: /nonexistent/portal-locales does not exist: give an existing folder, "
                                    + "e.g. MAIL_LOCALES_DIR=/etc/portal-auth/locales")) { try MailerConfig.load(environment: environment) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("broken-locales-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try #"{"mail.reset.subject": "Passwort für {portName"}"#.write(toFile: folder + "/de.json", atomically: true, encoding: .utf8)
        environment["MAIL_LOCALES_DIR"] = folder
        let config = try MailerConfig.load(environment: environment)
        #expect(config.localesDirectory == folder)
        do {
            let dependencies = try MailerDependencies(config: config, logger: Logger(label: "test"))
            dependencies.shutdown()
            Issue.record("a catalogue override that does not parse must stop the start")
        } catch {
            #expect("\(error)".contains("de") && "\(error)".contains("mail.reset.subject"), "names language and key: \(error)")
        }
    }

    @Test func aMarinasOwnWordsReplaceTheShippedOnesPerLanguage() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mail-locales-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try #"{"mail.activation.subject": "Dobro došli u {portName}: postavite lozinku"}"#
            .write(toFile: folder + "/hr.json", atomically: true, encoding: .utf8)
        let templates = try MailTemplates(catalogue: try Catalogue(overrideDirectory: folder))
        #expect(try Self.render(Self.mail(language: "hr"), templates: templates).subject == "Dobro došli u Marina Kaštela: postavite lozinku")
        #expect(try Self.render(Self.mail(language: "de"), templates: templates).subject.hasPrefix("Legen Sie"), "other languages as shipped")
    }
}
