import Foundation
import PortalCore
import PortalCrypto

/// How mail leaves: SMTP (`SMTP_HOST` set) or `.eml` files (development).
public enum MailDelivery: Sendable, Equatable {
    case smtp(SMTPSettings)
    case files(directory: String)
}

/// SMTP settings, with the seed's variable names.
public struct SMTPSettings: Sendable, Equatable {
    public enum Security: String, Sendable, CaseIterable {
        case starttls, tls, none

        /// The relay's port when `SMTP_PORT` is unset.
        public var defaultPort: Int {
            switch self {
            case .starttls: 587
            case .tls: 465
            case .none: 25
            }
        }
    }
    public var host: String
    public var port: Int
    public var security: Security
    /// AUTH only when both are set.
    public var username: String?
    public var password: String?
    /// An extra CA bundle (PEM) to trust, e.g. a private relay's self-signed certificate.
    public var caFile: String?
    public var timeoutSeconds: Int
}

/// The mailer's configuration. Every setting is an environment variable and a flag of
/// `portal-auth mailer` (the flag wins); `variables` lists them, and each default is written once,
/// in `Defaults`, which `load` reads and `variables` prints (`--help`, `portal-auth env mailer`;
/// docs/configuration.md is held to it by `ConfigTableTests`).
public struct MailerConfig: Sendable {
    public var databaseURL: String
    public var baseURL: String
    public var tokenKey: TokenKey
    public var delivery: MailDelivery
    public var from: String
    /// One display name for every mail; nil: each mail's marina (port) name, else "Client Portal".
    public var fromName: String?
    public var templatesDirectory: String?
    /// A marina's own words: `<language>.json` catalogue files laid over the shipped ones
    /// (`MAIL_LOCALES_DIR`; `Catalogue(overrideDirectory:)`).
    public var localesDirectory: String? = nil
    public var batchSize: Int
    public var pollInterval: Double
    public var workerID: String
    /// Seconds between prunes (`MAILER_PRUNE_INTERVAL`); nil: the mailer never prunes.
    public var pruneInterval: Int?
    /// Where `GET /metrics` and `GET /healthz` are served (`MAILER_METRICS_ADDRESS`); nil: nowhere.
    public var metricsAddress: ListenAddress?

    /// The longest one send may take (the lease renewed before it must outlast it).
    public var sendTimeoutSeconds: Int {
        if case .smtp(let settings) = delivery { return settings.timeoutSeconds }
        return Defaults.smtpTimeout
    }

    /// The defaults of the settings that have one as a value; the others' defaults are rules
    /// (files without `SMTP_HOST`, each port's name, the host name and process id), said in `variables`.
    public enum Defaults {
        public static let baseURL = EnvironmentReader.defaultBaseURL
        public static let smtpSecurity = SMTPSettings.Security.starttls
        /// The sender's local part; the domain is `SMTP_HOST` (`localhost` when writing files).
        public static let senderLocalPart = "noreply"
        public static let smtpTimeout = 30
        /// Where `.eml` files go without `SMTP_HOST`, under the working directory.
        public static let mailDirectory = ".run/mail"
        public static let batchSize = 20
        public static let pollInterval = 10
    }

    /// Every environment variable `portal-auth mailer` reads (`portal-auth env mailer` prints them).
    public static let variables: [ConfigVariable] = [
        ConfigVariable("DATABASE_URL", required: true, secret: true, "libpq URI or conninfo (as portal_mailer; a direct connection)"),
        ConfigVariable("PGPASSWORD", secret: true, environmentOnly: true, "the role's password, read by libpq: keeps it out of DATABASE_URL"),
        ConfigVariable("PORTAL_BASE_URL", default: Defaults.baseURL, "links are built from it"),
        ConfigVariable("PORTAL_TOKEN_KEY", required: true, secret: true, "derives the mailed tokens; at least 32 bytes"),
        ConfigVariable("SMTP_HOST", default: "unset: .eml files in MAIL_DIR", "SMTP relay"),
        ConfigVariable("SMTP_PORT", default: SMTPSettings.Security.allCases.map { "\($0.defaultPort) (\($0))" }.joined(separator: ", "), "relay port"),
        ConfigVariable("SMTP_TLS", default: Defaults.smtpSecurity.rawValue, "starttls, tls or none"),
        ConfigVariable("SMTP_USER", "AUTH user (AUTH only with SMTP_PASS)"),
        ConfigVariable("SMTP_PASS", secret: true, "AUTH password"),
        ConfigVariable("SMTP_FROM", default: "\(Defaults.senderLocalPart)@SMTP_HOST", "sender address"),
        ConfigVariable("SMTP_CA_FILE", default: "the system CAs", "extra trusted CA (PEM)"),
        ConfigVariable("SMTP_TIMEOUT", default: "\(Defaults.smtpTimeout)", "seconds per SMTP transaction"),
        ConfigVariable("MAIL_FROM_NAME", default: "the marina's name", "sender display name for every mail (unset: each port's name)"),
        ConfigVariable("MAIL_DIR", default: Defaults.mailDirectory, "folder for .eml files (no SMTP_HOST)"),
        ConfigVariable("MAIL_TEMPLATES_DIR", default: "the shipped templates", flag: "templates-dir", "folder of <kind>.<part>.mustache overrides"),
        ConfigVariable("MAIL_LOCALES_DIR", default: "the shipped catalogues", flag: "locales-dir", "folder of <language>.json catalogue overrides (a marina's own words)"),
        ConfigVariable("MAILER_BATCH", default: "\(Defaults.batchSize)", "mails claimed at once"),
        ConfigVariable("MAILER_POLL_INTERVAL", default: "\(Defaults.pollInterval)", "seconds between backstop polls"),
        ConfigVariable("MAILER_ID", default: "hostname-pid", "worker name in leases"),
        ConfigVariable("MAILER_PRUNE_INTERVAL", default: "off", "seconds between runs of portal_api.prune (retention)"),
        ConfigVariable("MAILER_METRICS_ADDRESS", default: "off", "host:port for GET /metrics and /healthz (an internal address)"),
    ] + ConfigVariable.logging

    /// The names of `variables`.
    public static let environmentKeys = variables.map(\.name)

    /// `localhost`, or an address in 127.0.0.0/8 or ::1.
    static func isLoopback(_ host: String) -> Bool {
        if host.lowercased() == "localhost" { return true }
        return ClientAddress(host)?.isLoopback ?? false
    }

    public static func load(environment: [String: String], overrides: [String: String] = [:]) throws -> MailerConfig {
        let env = EnvironmentReader(environment: environment, overrides: overrides, declared: environmentKeys)
        try ConfigCheck.logging(environment.merging(overrides) { $1 })
        let databaseURL = try env.databaseURL(role: "portal_mailer")
        let baseURL = try env.baseURL()
        let tokenKey = try env.tokenKey()

        let delivery: MailDelivery
        let defaultDomain: String
        if let host = env.value("SMTP_HOST") {
            guard let security = env.value("SMTP_TLS").map({ SMTPSettings.Security(rawValue: $0.lowercased()) }) ?? Defaults.smtpSecurity
            else {
                throw ConfigError("SMTP_TLS must be starttls, tls or none, not \"\(env.value("SMTP_TLS") ?? "")\": e.g. SMTP_TLS=starttls")
            }
            let user = env.value("SMTP_USER")
            let pass = env.value("SMTP_PASS")
            let authenticate = user != nil && pass != nil
            // AUTH sends the password in the clear without TLS: only to a relay on this machine.
            if authenticate && security == .none && !Self.isLoopback(host) {
                throw ConfigError(
                    "SMTP_USER/SMTP_PASS with SMTP_TLS=none would send the password in the clear to \(host): "
                        + "use SMTP_TLS=starttls or tls (or a relay on localhost)")
            }
            delivery = .smtp(SMTPSettings(
                host: host, port: try env.integer("SMTP_PORT", default: security.defaultPort, range: 1...65535), security: security,
                username: authenticate ? user : nil, password: authenticate ? pass : nil,
                caFile: try env.value("SMTP_CA_FILE").map { try ConfigCheck.readableFile("SMTP_CA_FILE", $0) },
                timeoutSeconds: try env.integer("SMTP_TIMEOUT", default: Defaults.smtpTimeout, range: 1...600)))
            defaultDomain = host
        } else {
            delivery = .files(directory: env.value("MAIL_DIR") ?? FileManager.default.currentDirectoryPath + "/" + Defaults.mailDirectory)
            defaultDomain = "localhost"
        }
        let from = env.value("SMTP_FROM") ?? "\(Defaults.senderLocalPart)@\(defaultDomain)"
        guard EmailAddress.isValidSender(from) else {
            throw ConfigError("SMTP_FROM must be a plain address like noreply@example.com")
        }
        return MailerConfig(
            databaseURL: databaseURL, baseURL: baseURL, tokenKey: tokenKey, delivery: delivery, from: from,
            fromName: env.value("MAIL_FROM_NAME"),
            templatesDirectory: try env.value("MAIL_TEMPLATES_DIR").map { try ConfigCheck.directory("MAIL_TEMPLATES_DIR", $0) },
            localesDirectory: try env.value("MAIL_LOCALES_DIR").map {
                try ConfigCheck.directory("MAIL_LOCALES_DIR", $0, example: "/etc/portal-auth/locales")
            },
            batchSize: try env.integer("MAILER_BATCH", default: Defaults.batchSize, range: 1...1000),
            pollInterval: Double(try env.integer("MAILER_POLL_INTERVAL", default: Defaults.pollInterval, range: 1...3600)),
            workerID: env.value("MAILER_ID") ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)",
            pruneInterval: env.value("MAILER_PRUNE_INTERVAL") == nil
                ? nil : try env.integer("MAILER_PRUNE_INTERVAL", default: 0, range: 1...604_800),
            metricsAddress: try env.value("MAILER_METRICS_ADDRESS").map {
                guard let address = ListenAddress($0) else {
                    throw ConfigError("MAILER_METRICS_ADDRESS must be host:port, e.g. 127.0.0.1:9464 or [::1]:9464")
                }
                return address
            })
    }
}

/// `host:port` (`[v6]:port` for IPv6): where a listener binds.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (1...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains("[") && !host.contains("]"), !host.contains(" ") else { return nil }
        // A bare IPv6 address needs brackets: "::1:9464" is ambiguous.
        if host.contains(":") && !text.hasPrefix("[") { return nil }
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
