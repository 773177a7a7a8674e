import Foundation
import Mailer
import PortalCore
import Testing

/// The mailer's configuration, without a database.
@Suite struct MailerConfigTests {
    static let base = ["DATABASE_URL": "host=/tmp dbname=portal", "PORTAL_TOKEN_KEY": String(repeating: "k", count: 32)]

    /// AUTH without TLS would send the relay password in the clear.
    @Test func authWithoutTLSIsRefusedUnlessTheRelayIsLocal() throws {
        var environment = Self.base
        environment.merge(["SMTP_HOST": "smtp.example.com", "SMTP_TLS": "none", "SMTP_USER": "u", "SMTP_PASS": "p"]) { $1 }
        #expect(throws: ConfigError.self) { try MailerConfig.load(environment: environment) }
        for local in ["127.0.0.1", "localhost", "::1", "127.0.0.53"] {
            environment["SMTP_HOST"] = local
            _ = try MailerConfig.load(environment: environment)
        }
        environment["SMTP_HOST"] = "smtp.example.com"
        environment["SMTP_TLS"] = "starttls"
        _ = try MailerConfig.load(environment: environment)
        environment["SMTP_TLS"] = "none"
        environment["SMTP_PASS"] = nil
        _ = try MailerConfig.load(environment: environment)
    }

    @Test func theSenderFollowsTheOneEmailRule() throws {
        var environment = Self.base
        environment["SMTP_FROM"] = "portal>,<evil@example.com"
        #expect(throws: ConfigError.self) { try MailerConfig.load(environment: environment) }
        environment["SMTP_FROM"] = "portal@marina.example"
        #expect(try MailerConfig.load(environment: environment).from == "portal@marina.example")
    }

    /// No CR or LF from a name or subject survives into a header (they would start new headers).
    @Test func headersCarryNoRawLineBreaks() {
        let message = MailMessage(
            outboxID: 7, messageKey: "0b6f3c2e-8d1a-4c55-9f0e-2a7d9b1c4e63", from: "portal@marina.example", fromName: "Marina\r\nBcc: evil@example.com",
            recipient: "owner@example.com", recipientName: "Ann\nOwner", subject: "Hi\r\nX-Injected: 1",
            text: "body", html: "<p>body</p>")
        let text = String(decoding: message.data, as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        for line in head.components(separatedBy: "\r\n") {
            #expect(!line.contains("\n") && !line.contains("\r"))
            #expect(!line.hasPrefix("Bcc:") && !line.hasPrefix("X-Injected:"), "\(line)")
        }
        #expect(message.messageID == "<portal-auth.mail-7.0b6f3c2e-8d1a-4c55-9f0e-2a7d9b1c4e63@marina.example>",
                "stable: a retried mail keeps its outbox id and message key")
    }
}

/// The mailer's defaults: declared once (`MailerConfig.Defaults`), printed by `--help` and `env`.
@Suite struct MailerDefaultsTests {
    @Test func anUnsetSettingTakesItsDeclaredDefault() throws {
        let files = try MailerConfig.load(environment: MailerConfigTests.base)
        #expect(files.baseURL == MailerConfig.Defaults.baseURL)
        #expect(files.delivery == .files(directory: FileManager.default.currentDirectoryPath + "/" + MailerConfig.Defaults.mailDirectory))
        #expect(files.from == "\(MailerConfig.Defaults.senderLocalPart)@localhost")
        #expect(files.batchSize == MailerConfig.Defaults.batchSize)
        #expect(files.pollInterval == Double(MailerConfig.Defaults.pollInterval))
        #expect(files.sendTimeoutSeconds == MailerConfig.Defaults.smtpTimeout)
        var environment = MailerConfigTests.base
        environment["SMTP_HOST"] = "smtp.example.com"
        guard case .smtp(let smtp) = try MailerConfig.load(environment: environment).delivery else {
            Issue.record("SMTP_HOST set: SMTP delivery")
            return
        }
        #expect(smtp.security == MailerConfig.Defaults.smtpSecurity)
        #expect(smtp.port == MailerConfig.Defaults.smtpSecurity.defaultPort)
        #expect(smtp.timeoutSeconds == MailerConfig.Defaults.smtpTimeout)
        for security in SMTPSettings.Security.allCases {
            environment["SMTP_TLS"] = security.rawValue
            guard case .smtp(let settings) = try MailerConfig.load(environment: environment).delivery else { continue }
            #expect(settings.port == security.defaultPort, "\(security)")
        }
    }

    @Test func thePrintedDefaultsSayTheDeclaredValues() {
        let printed = Dictionary(uniqueKeysWithValues: MailerConfig.variables.map { ($0.name, $0.defaultValue) })
        #expect(printed["SMTP_PORT"] == "587 (starttls), 465 (tls), 25 (none)")
        #expect(printed["SMTP_TLS"] == "starttls")
        #expect(printed["MAILER_BATCH"] == "20")
        #expect(printed["SMTP_FROM"] == "noreply@SMTP_HOST")
    }
}
