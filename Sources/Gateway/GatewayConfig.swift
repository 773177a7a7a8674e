import Foundation
import PortalCore
import PortalCrypto

/// The gateway's configuration, owned by the gateway. Every setting is an environment variable
/// and a flag of `portal-auth serve` (the flag wins); `variables` lists them, and each default is
/// written once, in `Defaults`, which `load` reads and `variables` prints (`--help`, `portal-auth
/// env serve`; docs/configuration.md is held to it by `ConfigTableTests`).
/// The gateway never reads `PORTAL_TOKEN_KEY`: only the mailer derives tokens.
public struct GatewayConfig: Sendable {
    public var databaseURL: String
    public var baseURL: String
    public var jwtSecret: String
    /// Secrets `jwtSecret` replaced: cookies they signed verify until they expire.
    public var jwtPreviousSecrets: [String] = []
    public var allowedOrigins: Set<String>
    public var sessionTTL: Int
    /// A "Keep me signed in" session's lifetime (`PORTAL_REMEMBER_TTL`), at least `sessionTTL`.
    public var rememberTTL: Int = Defaults.rememberTTL
    public var scrypt: ScryptParameters
    /// Start even when `scrypt` refuses most stored hashes (`PORTAL_SCRYPT_ALLOW_REFUSED`); warn instead.
    public var allowRefusedHashes: Bool = Defaults.allowRefusedHashes
    public var hashWorkers: Int
    public var hashQueue: Int
    public var databasePoolSize: Int
    /// Named prepared statements (`PORTAL_DB_PREPARED`); off behind a transaction pooler.
    public var databasePrepared: Bool = Defaults.databasePrepared
    public var cookieName: String
    public var passwordMinLength: Int
    public var trustForwardedFor: Bool
    /// Appending proxies in front (`PORTAL_TRUSTED_PROXY_HOPS`), used when `trustForwardedFor`.
    public var trustedProxyHops: Int
    /// The bearer token `/metrics` requires; nil: loopback peers that came through no proxy only.
    public var metricsToken: String?
    public var host: String
    public var port: Int

    /// The origin (`scheme://host[:port]`) of the base URL: the JWT issuer and an allowed origin.
    public var baseOrigin: String { Self.origin(of: baseURL) ?? baseURL }

    /// The defaults of the settings that have one as a value; the others' defaults are rules
    /// (the base URL's origin, the number of cores), said in `variables`.
    public enum Defaults {
        public static let baseURL = EnvironmentReader.defaultBaseURL
        public static let sessionTTL = 12 * 3600
        public static let rememberTTL = 30 * 86400
        public static let scrypt = ScryptParameters.default
        public static let allowRefusedHashes = false
        /// Sign-ins that may wait, per hash worker.
        public static let hashQueuePerWorker = 32
        public static let databasePoolSize = 10
        public static let databasePrepared = true
        public static let cookieName = "__Host-portal_session"
        public static let passwordMinLength = PasswordPolicy.minimumLengths.lowerBound
        public static let trustForwardedFor = false
        public static let trustedProxyHops = 1
        public static let host = "127.0.0.1"
        public static let port = 8080
    }

    /// Every environment variable `portal-auth serve` reads (`portal-auth env serve` prints them).
    public static let variables: [ConfigVariable] = [
        ConfigVariable("DATABASE_URL", required: true, secret: true, "libpq URI or conninfo (as portal_gateway)"),
        ConfigVariable("PGPASSWORD", secret: true, environmentOnly: true, "the role's password, read by libpq: keeps it out of DATABASE_URL"),
        ConfigVariable("PORTAL_BASE_URL", default: Defaults.baseURL, "public URL: JWT issuer and allowed origin"),
        ConfigVariable("PORTAL_JWT_SECRET", required: true, secret: true, "signs session cookies; at least 32 bytes"),
        ConfigVariable("PORTAL_JWT_PREVIOUS_SECRETS", secret: true, "retired secrets, comma-separated: their cookies verify until they expire"),
        ConfigVariable("PORTAL_ALLOWED_ORIGINS", default: "the base URL's origin", "more origins for CORS/CSRF, comma-separated"),
        ConfigVariable("PORTAL_SESSION_TTL", default: ConfigCheck.durationText(Defaults.sessionTTL), "session lifetime: seconds or with s, m, h, d"),
        ConfigVariable("PORTAL_REMEMBER_TTL", default: ConfigCheck.durationText(Defaults.rememberTTL), "\"Keep me signed in\" session lifetime: PORTAL_SESSION_TTL to 90 days"),
        ConfigVariable("PORTAL_SCRYPT", default: "\(Defaults.scrypt)", "scrypt parameters of new hashes"),
        ConfigVariable("PORTAL_SCRYPT_ALLOW_REFUSED", default: "\(Defaults.allowRefusedHashes)", "true: start although PORTAL_SCRYPT refuses most stored hashes (warn instead)"),
        ConfigVariable("PORTAL_HASH_WORKERS", default: "the number of cores", "scrypt threads"),
        ConfigVariable("PORTAL_HASH_QUEUE", default: "\(Defaults.hashQueuePerWorker) × workers", "sign-ins waiting for a worker before 503"),
        ConfigVariable("PORTAL_DB_POOL", default: "\(Defaults.databasePoolSize)", "database connections"),
        ConfigVariable("PORTAL_DB_PREPARED", default: "\(Defaults.databasePrepared)", "named prepared statements; false behind PgBouncer in transaction mode"),
        ConfigVariable("PORTAL_COOKIE_NAME", default: Defaults.cookieName, "session cookie name"),
        ConfigVariable("PORTAL_PASSWORD_MIN_LENGTH", default: "\(Defaults.passwordMinLength)", "\(passwordMinLengths.lowerBound) to \(passwordMinLengths.upperBound)"),
        ConfigVariable("PORTAL_TRUST_FORWARDED_FOR", default: "\(Defaults.trustForwardedFor)", "true behind proxies that append to X-Forwarded-For"),
        ConfigVariable("PORTAL_TRUSTED_PROXY_HOPS", default: "\(Defaults.trustedProxyHops)", "appending proxies in front (\(proxyHops.lowerBound) to \(proxyHops.upperBound))"),
        ConfigVariable("PORTAL_METRICS_TOKEN", secret: true, "bearer token for /metrics (unset: loopback only)"),
        ConfigVariable("HOST", default: Defaults.host, "listen address"),
        ConfigVariable("PORT", default: "\(Defaults.port)", "listen port"),
    ] + ConfigVariable.logging

    /// The allowed `PORTAL_PASSWORD_MIN_LENGTH`s and `PORTAL_TRUSTED_PROXY_HOPS`.
    static let passwordMinLengths = PasswordPolicy.minimumLengths
    static let proxyHops = 1...10

    /// The names of `variables`.
    public static let environmentKeys = variables.map(\.name)

    /// Reads and validates the configuration; `overrides` (CLI flags) win over `environment`.
    public static func load(environment: [String: String], overrides: [String: String] = [:]) throws -> GatewayConfig {
        let env = EnvironmentReader(environment: environment, overrides: overrides, declared: environmentKeys)
        try ConfigCheck.logging(environment.merging(overrides) { $1 })
        let databaseURL = try env.databaseURL(role: "portal_gateway")
        let baseURL = try env.baseURL()
        let jwtSecret = try secret("PORTAL_JWT_SECRET", env.value("PORTAL_JWT_SECRET"))
        let jwtPreviousSecrets = try (env.value("PORTAL_JWT_PREVIOUS_SECRETS") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .map { try secret("PORTAL_JWT_PREVIOUS_SECRETS", $0) }

        var origins = Set<String>()
        for item in (env.value("PORTAL_ALLOWED_ORIGINS") ?? "").split(separator: ",") {
            let text = item.trimmingCharacters(in: .whitespaces)
            guard let origin = Self.origin(of: text), origin == text.trimmingTrailingSlashes else {
                throw ConfigError("PORTAL_ALLOWED_ORIGINS: \(text) is not an origin (scheme://host[:port])")
            }
            origins.insert(origin)
        }
        origins.insert(Self.origin(of: baseURL)!)

        let sessionTTL = try env.value("PORTAL_SESSION_TTL").map { try duration("PORTAL_SESSION_TTL", $0) } ?? Defaults.sessionTTL
        guard (60...(30 * 86400)).contains(sessionTTL) else {
            throw ConfigError("PORTAL_SESSION_TTL must be between 1 minute and 30 days")
        }
        let rememberTTL = try env.value("PORTAL_REMEMBER_TTL").map { try duration("PORTAL_REMEMBER_TTL", $0) }
            ?? max(Defaults.rememberTTL, sessionTTL)
        guard (sessionTTL...(90 * 86400)).contains(rememberTTL) else {
            throw ConfigError("PORTAL_REMEMBER_TTL must be between PORTAL_SESSION_TTL and 90 days")
        }
        let scrypt = try env.value("PORTAL_SCRYPT").map { try ConfigCheck.scrypt("PORTAL_SCRYPT", $0) } ?? Defaults.scrypt
        let hashWorkers = try env.integer("PORTAL_HASH_WORKERS", default: ProcessInfo.processInfo.activeProcessorCount, range: 1...256)
        let cookieName = env.value("PORTAL_COOKIE_NAME") ?? Defaults.cookieName
        guard cookieName.range(of: #"^[A-Za-z0-9_-]{1,64}$"#, options: .regularExpression) != nil else {
            throw ConfigError("PORTAL_COOKIE_NAME must be 1-64 letters, digits, _ or -")
        }
        let metricsToken = env.value("PORTAL_METRICS_TOKEN")
        if let metricsToken, metricsToken.utf8.count < 16 {
            throw ConfigError("PORTAL_METRICS_TOKEN must be at least 16 bytes")
        }
        let prepared = try ConfigCheck.boolean("PORTAL_DB_PREPARED", env.value("PORTAL_DB_PREPARED"), default: Defaults.databasePrepared)
        let allowRefused = try ConfigCheck.boolean("PORTAL_SCRYPT_ALLOW_REFUSED", env.value("PORTAL_SCRYPT_ALLOW_REFUSED"), default: Defaults.allowRefusedHashes)
        var config = GatewayConfig(
            databaseURL: databaseURL, baseURL: baseURL, jwtSecret: jwtSecret, jwtPreviousSecrets: jwtPreviousSecrets,
            allowedOrigins: origins, sessionTTL: sessionTTL, scrypt: scrypt, hashWorkers: hashWorkers,
            hashQueue: try env.integer("PORTAL_HASH_QUEUE", default: Defaults.hashQueuePerWorker * hashWorkers, range: 0...100_000),
            databasePoolSize: try env.integer("PORTAL_DB_POOL", default: Defaults.databasePoolSize, range: 1...500),
            cookieName: cookieName,
            passwordMinLength: try env.integer("PORTAL_PASSWORD_MIN_LENGTH", default: Defaults.passwordMinLength, range: passwordMinLengths),
            trustForwardedFor: try ConfigCheck.boolean("PORTAL_TRUST_FORWARDED_FOR", env.value("PORTAL_TRUST_FORWARDED_FOR"), default: Defaults.trustForwardedFor),
            trustedProxyHops: try env.integer("PORTAL_TRUSTED_PROXY_HOPS", default: Defaults.trustedProxyHops, range: proxyHops),
            metricsToken: metricsToken,
            host: env.value("HOST") ?? Defaults.host, port: try env.integer("PORT", default: Defaults.port, range: 0...65535))
        config.databasePrepared = prepared
        config.rememberTTL = rememberTTL
        config.allowRefusedHashes = allowRefused
        return config
    }

    /// `scheme://host[:port]` of an absolute http(s) URL, lower-cased; nil otherwise.
    public static func origin(of text: String) -> String? { ConfigCheck.origin(of: text) }

    static func secret(_ name: String, _ value: String?) throws -> String { try ConfigCheck.secret(name, value) }
    static func duration(_ name: String, _ value: String) throws -> Int { try ConfigCheck.duration(name, value) }
}
