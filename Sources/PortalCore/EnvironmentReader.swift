import PQ
import PortalCrypto

/// Reads a process's configuration: the environment merged with CLI overrides (flags win), each
/// key declared up front, each value checked with a message that names it. Shared by the
/// gateway's and the mailer's configuration.
public struct EnvironmentReader {
    private let values: [String: String]
    private let declared: [String]

    public init(environment: [String: String], overrides: [String: String], declared: [String]) {
        values = environment.merging(overrides.filter { !$0.value.isEmpty }) { $1 }
        self.declared = declared
    }

    /// The non-empty value of `key`.
    public func value(_ key: String) -> String? {
        assert(declared.contains(key), "\(key) must be declared")
        return values[key].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// An integer within `range`, or `fallback` when unset.
    public func integer(_ key: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = value(key) else { return fallback }
        guard let number = Int(text), range.contains(number) else {
            let example = range.contains(fallback) ? fallback : range.lowerBound
            throw ConfigError(
                "\(key) must be an integer in \(range.lowerBound)...\(range.upperBound), not \"\(text)\": e.g. \(key)=\(example)")
        }
        return number
    }

    /// `DATABASE_URL`, required, checked (not connected) by libpq: see `Self.databaseURL(_:role:)`.
    public func databaseURL(role: String) throws -> String {
        try Self.databaseURL(value("DATABASE_URL"), role: role)
    }

    /// A `DATABASE_URL` libpq accepts, or a `ConfigError` in libpq's words (`invalid sslmode
    /// value: "maybe"`) naming the variable, with an example for `role`. A server that does not
    /// answer is not checked here: the processes retry that.
    public static func databaseURL(_ url: String?, role: String) throws -> String {
        guard let url else {
            throw ConfigError("DATABASE_URL is not set: e.g. DATABASE_URL=postgres://\(role)@localhost:5432/portal")
        }
        if let problem = Connection.conninfoProblem(url) {
            throw ConfigError(
                "DATABASE_URL is not a connection string libpq accepts (\(problem)): e.g. "
                    + "postgres://\(role)@db.example.com:5432/portal?sslmode=verify-full, or host=db.example.com dbname=portal "
                    + "user=\(role) sslmode=verify-full (sslmode: disable, allow, prefer, require, verify-ca or verify-full)")
        }
        return url
    }

    /// `PORTAL_BASE_URL` when unset (the gateway's and the mailer's default).
    public static let defaultBaseURL = "http://localhost:8080"

    /// `PORTAL_BASE_URL` without trailing slashes; an absolute http(s) URL.
    public func baseURL() throws -> String {
        var url = value("PORTAL_BASE_URL") ?? Self.defaultBaseURL
        while url.hasSuffix("/") { url.removeLast() }
        guard ConfigCheck.origin(of: url) != nil else {
            throw ConfigError("PORTAL_BASE_URL must be an absolute http(s) URL, e.g. https://portal.example.com")
        }
        return url
    }

    /// `PORTAL_TOKEN_KEY`, at least 32 bytes.
    public func tokenKey() throws -> TokenKey {
        guard let secret = value("PORTAL_TOKEN_KEY") else { throw ConfigError("PORTAL_TOKEN_KEY is not set") }
        try ConfigCheck.refusePlaceholder("PORTAL_TOKEN_KEY", secret)
        do { return try TokenKey(secret: secret) } catch { throw ConfigError(error.description) }
    }
}
