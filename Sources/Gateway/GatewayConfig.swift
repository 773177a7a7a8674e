import Foundation
import PortalCore
import PortalCrypto

/// The gateway's configuration (DESIGN §8), owned by the gateway. Every key is an environment variable; every CLI flag
/// of `portal-auth serve` overrides the variable of the same name.
/// The gateway never reads `PORTAL_TOKEN_KEY`: only the mailer derives tokens (DESIGN §6).
///
/// | variable | type | default |
/// | --- | --- | --- |
/// | `DATABASE_URL` | libpq URI or conninfo | required |
/// | `PORTAL_BASE_URL` | `http(s)://host[:port]` links and the JWT issuer are built from | `http://localhost:8080` |
/// | `PORTAL_JWT_SECRET` | ≥ 32 bytes | required |
/// | `PORTAL_JWT_PREVIOUS_SECRETS` | comma-separated secrets that still verify (rotation) | empty |
/// | `PORTAL_ALLOWED_ORIGINS` | comma-separated origins (CORS + CSRF), plus the base URL's | empty |
/// | `PORTAL_SESSION_TTL` | seconds, or with s/m/h/d | `12h` |
/// | `PORTAL_SCRYPT` | `ln=…,r=…,p=…` | `ln=17,r=8,p=1` |
/// | `PORTAL_SCRYPT_ALLOW_REFUSED` | start although the setting refuses most stored hashes (`HashCensus`) | `false` |
/// | `PORTAL_HASH_WORKERS` | scrypt threads | cores |
/// | `PORTAL_HASH_QUEUE` | sign-ins waiting for a worker before 503 | 32 × workers |
/// | `PORTAL_DB_POOL` | database connections | 10 |
/// | `PORTAL_DB_PREPARED` | named prepared statements; `false` behind PgBouncer in transaction mode | `true` |
/// | `PORTAL_COOKIE_NAME` | session cookie name | `__Host-portal_session` |
/// | `PORTAL_PASSWORD_MIN_LENGTH` | 12…128 | 12 |
/// | `PORTAL_TRUST_FORWARDED_FOR` | `true`: client address from `X-Forwarded-For` (behind appending proxies) | `false` |
/// | `PORTAL_TRUSTED_PROXY_HOPS` | appending proxies in front: the client is the N-th entry from the right | 1 |
/// | `PORTAL_METRICS_TOKEN` | bearer token `/metrics` requires; unset: loopback peers without a proxy only | unset |
/// | `HOST` / `PORT` | listen address | `127.0.0.1` / `8080` |
public struct GatewayConfig: Sendable {
    public var databaseURL: String
    public var baseURL: String
    public var jwtSecret: String
    /// Secrets `jwtSecret` replaced: cookies they signed verify until they expire.
    public var jwtPreviousSecrets: [String] = []
    public var allowedOrigins: Set<String>
    public var sessionTTL: Int
    public var scrypt: ScryptParameters
    /// Start even when `scrypt` refuses most stored hashes (`PORTAL_SCRYPT_ALLOW_REFUSED`); warn instead.
    public var allowRefusedHashes: Bool = false
    public var hashWorkers: Int
    public var hashQueue: Int
    public var databasePoolSize: Int
    /// Named prepared statements (`PORTAL_DB_PREPARED`); off behind a transaction pooler.
    public var databasePrepared: Bool = true
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

    /// Every environment variable `portal-auth serve` reads (`portal-auth env serve` prints them).
    public static let variables: [ConfigVariable] = [
        ConfigVariable("DATABASE_URL", required: true, secret: true, "libpq URI or conninfo (as portal_gateway)"),
        ConfigVariable("PGPASSWORD", secret: true, environmentOnly: true, "the role's password, read by libpq: keeps it out of DATABASE_URL"),
        ConfigVariable("PORTAL_BASE_URL", default: "http://localhost:8080", "public URL: JWT issuer and allowed origin"),
        ConfigVariable("PORTAL_JWT_SECRET", required: true, secret: true, "signs session cookies; at least 32 bytes"),
        ConfigVariable("PORTAL_JWT_PREVIOUS_SECRETS", secret: true, "retired secrets, comma-separated: their cookies verify until they expire"),
        ConfigVariable("PORTAL_ALLOWED_ORIGINS", default: "the base URL's origin", "more origins for CORS/CSRF, comma-separated"),
        ConfigVariable("PORTAL_SESSION_TTL", default: "12h", "session lifetime: seconds or with s, m, h, d"),
        ConfigVariable("PORTAL_SCRYPT", default: "ln=17,r=8,p=1", "scrypt parameters of new hashes"),
        ConfigVariable("PORTAL_SCRYPT_ALLOW_REFUSED", default: "false", "true: start although PORTAL_SCRYPT refuses most stored hashes (warn instead)"),
        ConfigVariable("PORTAL_HASH_WORKERS", default: "the number of cores", "scrypt threads"),
        ConfigVariable("PORTAL_HASH_QUEUE", default: "32 × workers", "sign-ins waiting for a worker before 503"),
        ConfigVariable("PORTAL_DB_POOL", default: "10", "database connections"),
        ConfigVariable("PORTAL_DB_PREPARED", default: "true", "named prepared statements; false behind PgBouncer in transaction mode"),
        ConfigVariable("PORTAL_COOKIE_NAME", default: "__Host-portal_session", "session cookie name"),
        ConfigVariable("PORTAL_PASSWORD_MIN_LENGTH", default: "12", "12 to 128"),
        ConfigVariable("PORTAL_TRUST_FORWARDED_FOR", default: "false", "true behind proxies that append to X-Forwarded-For"),
        ConfigVariable("PORTAL_TRUSTED_PROXY_HOPS", default: "1", "appending proxies in front (1 to 10)"),
        ConfigVariable("PORTAL_METRICS_TOKEN", secret: true, "bearer token for /metrics (unset: loopback only)"),
        ConfigVariable("HOST", default: "127.0.0.1", "listen address"),
        ConfigVariable("PORT", default: "8080", "listen port"),
    ] + ConfigVariable.logging

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

        let sessionTTL = try duration("PORTAL_SESSION_TTL", env.value("PORTAL_SESSION_TTL") ?? "12h")
        guard (60...(30 * 86400)).contains(sessionTTL) else {
            throw ConfigError("PORTAL_SESSION_TTL must be between 1 minute and 30 days")
        }
        let scrypt = try ConfigCheck.scrypt("PORTAL_SCRYPT", env.value("PORTAL_SCRYPT") ?? "\(ScryptParameters.default)")
        let hashWorkers = try env.integer("PORTAL_HASH_WORKERS", default: ProcessInfo.processInfo.activeProcessorCount, range: 1...256)
        let cookieName = env.value("PORTAL_COOKIE_NAME") ?? "__Host-portal_session"
        guard cookieName.range(of: #"^[A-Za-z0-9_-]{1,64}$"#, options: .regularExpression) != nil else {
            throw ConfigError("PORTAL_COOKIE_NAME must be 1-64 letters, digits, _ or -")
        }
        let metricsToken = env.value("PORTAL_METRICS_TOKEN")
        if let metricsToken, metricsToken.utf8.count < 16 {
            throw ConfigError("PORTAL_METRICS_TOKEN must be at least 16 bytes")
        }
        let prepared = try ConfigCheck.boolean("PORTAL_DB_PREPARED", env.value("PORTAL_DB_PREPARED"), default: true)
        let allowRefused = try ConfigCheck.boolean("PORTAL_SCRYPT_ALLOW_REFUSED", env.value("PORTAL_SCRYPT_ALLOW_REFUSED"), default: false)
        var config = GatewayConfig(
            databaseURL: databaseURL, baseURL: baseURL, jwtSecret: jwtSecret, jwtPreviousSecrets: jwtPreviousSecrets,
            allowedOrigins: origins, sessionTTL: sessionTTL, scrypt: scrypt, hashWorkers: hashWorkers,
            hashQueue: try env.integer("PORTAL_HASH_QUEUE", default: 32 * hashWorkers, range: 0...100_000),
            databasePoolSize: try env.integer("PORTAL_DB_POOL", default: 10, range: 1...500),
            cookieName: cookieName,
            passwordMinLength: try env.integer("PORTAL_PASSWORD_MIN_LENGTH", default: 12, range: 12...128),
            trustForwardedFor: try ConfigCheck.boolean("PORTAL_TRUST_FORWARDED_FOR", env.value("PORTAL_TRUST_FORWARDED_FOR"), default: false),
            trustedProxyHops: try env.integer("PORTAL_TRUSTED_PROXY_HOPS", default: 1, range: 1...10),
            metricsToken: metricsToken,
            host: env.value("HOST") ?? "127.0.0.1", port: try env.integer("PORT", default: 8080, range: 0...65535))
        config.databasePrepared = prepared
        config.allowRefusedHashes = allowRefused
        return config
    }

    /// `scheme://host[:port]` of an absolute http(s) URL, lower-cased; nil otherwise.
    public static func origin(of text: String) -> String? { ConfigCheck.origin(of: text) }

    static func secret(_ name: String, _ value: String?) throws -> String { try ConfigCheck.secret(name, value) }
    static func duration(_ name: String, _ value: String) throws -> Int { try ConfigCheck.duration(name, value) }
}
