import Foundation
import Gateway
import PortalCore
import Testing

/// The gateway's configuration, without a database (the binary's refusals are `StartupChecksTests`).
@Suite struct ConfigTests {
    static let valid: [String: String] = [
        "DATABASE_URL": "host=/tmp dbname=portal",
        "PORTAL_JWT_SECRET": String(repeating: "j", count: 32),
    ]

    /// Unset, every setting takes the default `GatewayConfig.Defaults` declares (what `--help`,
    /// `env` and docs/configuration.md print) or its rule (the base URL's origin, the cores).
    @Test func anUnsetSettingTakesItsDeclaredDefault() throws {
        typealias Defaults = GatewayConfig.Defaults
        let config = try GatewayConfig.load(environment: Self.valid)
        #expect(config.baseURL == Defaults.baseURL)
        #expect(config.scrypt == Defaults.scrypt && Defaults.scrypt == .default)
        #expect(config.cookieName == Defaults.cookieName)
        #expect(config.sessionTTL == Defaults.sessionTTL)
        #expect(config.databasePoolSize == Defaults.databasePoolSize)
        #expect(config.databasePrepared == Defaults.databasePrepared)
        #expect(config.allowRefusedHashes == Defaults.allowRefusedHashes)
        #expect(config.passwordMinLength == Defaults.passwordMinLength)
        #expect(config.trustForwardedFor == Defaults.trustForwardedFor)
        #expect(config.trustedProxyHops == Defaults.trustedProxyHops)
        #expect(config.host == Defaults.host && config.port == Defaults.port)
        #expect(config.allowedOrigins == ["http://localhost:8080"])
        #expect(config.hashWorkers == ProcessInfo.processInfo.activeProcessorCount)
        #expect(config.hashQueue == Defaults.hashQueuePerWorker * config.hashWorkers)
    }

    /// The printed defaults are the loader's values in the words `load` reads back.
    @Test func thePrintedDefaultsReadBackAsTheDefaults() throws {
        let printed = Dictionary(uniqueKeysWithValues: GatewayConfig.variables.map { ($0.name, $0.defaultValue) })
        #expect(printed["PORTAL_SESSION_TTL"] == "12h")
        var environment = Self.valid
        for name in ["PORTAL_SESSION_TTL", "PORTAL_SCRYPT", "PORTAL_DB_POOL", "PORTAL_COOKIE_NAME", "PORT", "HOST", "PORTAL_BASE_URL",
                     "PORTAL_PASSWORD_MIN_LENGTH", "PORTAL_TRUSTED_PROXY_HOPS", "PORTAL_DB_PREPARED", "PORTAL_TRUST_FORWARDED_FOR"] {
            environment[name] = try #require(printed[name] ?? nil, "\(name) prints a default")
        }
        let given = try GatewayConfig.load(environment: environment)
        let unset = try GatewayConfig.load(environment: Self.valid)
        #expect(given.sessionTTL == unset.sessionTTL && given.scrypt == unset.scrypt && given.databasePoolSize == unset.databasePoolSize)
        #expect(given.cookieName == unset.cookieName && given.port == unset.port && given.host == unset.host)
        #expect(given.baseURL == unset.baseURL && given.passwordMinLength == unset.passwordMinLength)
        #expect(given.trustedProxyHops == unset.trustedProxyHops && given.databasePrepared == unset.databasePrepared)
        #expect(given.trustForwardedFor == unset.trustForwardedFor)
    }

    static let dsnExample = ": e.g. postgres://portal_gateway@db.example.com:5432/portal?sslmode=verify-full, or host=db.example.com "
        + "dbname=portal user=portal_gateway sslmode=verify-full (sslmode: disable, allow, prefer, require, verify-ca or verify-full)"

    @Test(arguments: [
        ("PORTAL_JWT_SECRET", nil, "PORTAL_JWT_SECRET is not set"),
        ("PORTAL_JWT_SECRET", String(repeating: "j", count: 31), "PORTAL_JWT_SECRET must be at least 32 bytes"),
        ("PORTAL_JWT_SECRET", "<another 48 random bytes, base64, made with openssl rand>",
         "PORTAL_JWT_SECRET is still the .env.example placeholder: make one with `openssl rand -hex 32`"),
        ("PORTAL_TRUSTED_PROXY_HOPS", "0", "PORTAL_TRUSTED_PROXY_HOPS must be an integer in 1...10, not \"0\": e.g. PORTAL_TRUSTED_PROXY_HOPS=1"),
        ("PORTAL_METRICS_TOKEN", "short", "PORTAL_METRICS_TOKEN must be at least 16 bytes"),
        ("DATABASE_URL", nil, "DATABASE_URL is not set: e.g. DATABASE_URL=postgres://portal_gateway@localhost:5432/portal"),
        ("DATABASE_URL", "postgresql://[broken", "DATABASE_URL is not a connection string libpq accepts (end of string reached when looking for matching \"]\" in IPv6 host address in URI: \"…\")" + dsnExample),
        ("DATABASE_URL", "host=/tmp = =", "DATABASE_URL is not a connection string libpq accepts (invalid connection option \"\")" + dsnExample),
        ("PORTAL_SCRYPT", "ln=40,r=8,p=1", "PORTAL_SCRYPT: ln=40 is out of range (ln 10–22, r 1–32, p 1–16, at most 2 GiB per hash): e.g. PORTAL_SCRYPT=ln=17,r=8,p=1"),
        ("PORTAL_SCRYPT", "fast", "PORTAL_SCRYPT must be three parameters ln=…,r=…,p=… separated by commas, not \"fast\": e.g. PORTAL_SCRYPT=ln=17,r=8,p=1"),
        ("PORTAL_BASE_URL", "portal.example.com", "PORTAL_BASE_URL must be an absolute http(s) URL, e.g. https://portal.example.com"),
        ("PORTAL_ALLOWED_ORIGINS", "https://a.example/path", "PORTAL_ALLOWED_ORIGINS: https://a.example/path is not an origin (scheme://host[:port])"),
        ("PORTAL_SESSION_TTL", "forever", "PORTAL_SESSION_TTL must be seconds or a number with s, m, h or d"),
        ("PORTAL_HASH_WORKERS", "0", "PORTAL_HASH_WORKERS must be an integer in 1...256, not \"0\": e.g. PORTAL_HASH_WORKERS=\(ProcessInfo.processInfo.activeProcessorCount)"),
    ] as [(String, String?, String)])
    func badConfigurationIsRefusedWithAClearMessage(key: String, value: String?, message: String) {
        var environment = Self.valid
        environment[key] = value
        #expect(throws: ConfigError(message)) { try GatewayConfig.load(environment: environment) }
    }

    /// The gateway never holds the token key (only the mailer derives tokens): it starts
    /// without one and does not even look at a bad one.
    @Test func theGatewayNeitherNeedsNorReadsTheTokenKey() throws {
        _ = try GatewayConfig.load(environment: Self.valid)
        var environment = Self.valid
        environment["PORTAL_TOKEN_KEY"] = "short"
        _ = try GatewayConfig.load(environment: environment)
        #expect(!GatewayConfig.environmentKeys.contains("PORTAL_TOKEN_KEY"))
    }

    @Test func oneAppendingProxyIsTheDefault() throws {
        let config = try GatewayConfig.load(environment: Self.valid)
        #expect(config.trustForwardedFor == false)
        #expect(config.trustedProxyHops == 1)
        #expect(config.metricsToken == nil)
    }

    @Test func flagsOverrideTheEnvironment() throws {
        let config = try GatewayConfig.load(environment: Self.valid, overrides: ["PORTAL_SCRYPT": "ln=12,r=8,p=1", "PORT": "9999"])
        #expect(config.scrypt.ln == 12)
        #expect(config.port == 9999)
    }
}
