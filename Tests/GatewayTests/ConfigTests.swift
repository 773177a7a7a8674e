import Foundation
import Gateway
import PortalCore
import TestSupport
import Testing

@Suite struct ConfigTests {
    static let valid: [String: String] = [
        "DATABASE_URL": "host=/tmp dbname=portal",
        "PORTAL_JWT_SECRET": String(repeating: "j", count: 32),
    ]

    @Test func defaultsFollowTheDesign() throws {
        let config = try GatewayConfig.load(environment: Self.valid)
        #expect(config.scrypt == .default)
        #expect(config.cookieName == "__Host-portal_session")
        #expect(config.sessionTTL == 12 * 3600)
        #expect(config.allowedOrigins == ["http://localhost:8080"])
        #expect(config.hashWorkers == ProcessInfo.processInfo.activeProcessorCount)
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

    /// The real binary: a short secret stops it before it listens, with the reason on stderr.
    @Test(.enabled(if: TestEnvironment.hasBinary, "needs the built portal-auth: swift build, or run scripts/test.sh"))
    func theProcessRefusesToStartWithAShortSecret() throws {
        let binary = try #require(TestEnvironment.binary, "the portal-auth binary is not built")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--port", "0"]
        var environment = Self.valid
        environment["PORTAL_JWT_SECRET"] = "too-short"
        process.environment = environment
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = Pipe()
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        let output = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus != 0)
        #expect(output.contains("PORTAL_JWT_SECRET must be at least 32 bytes"))
        #expect(!output.contains("too-short"), "the secret itself is never printed")
    }
}
