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
            throw ConfigError("\(key) must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    /// `DATABASE_URL`, required, parsed (not connected) by libpq.
    public func databaseURL() throws -> String {
        guard let url = value("DATABASE_URL") else { throw ConfigError("DATABASE_URL is not set") }
        do { try Connection.validate(conninfo: url) } catch {
            throw ConfigError("DATABASE_URL is not a valid libpq connection string or URI")
        }
        return url
    }

    /// `PORTAL_BASE_URL` without trailing slashes; an absolute http(s) URL.
    public func baseURL() throws -> String {
        var url = value("PORTAL_BASE_URL") ?? "http://localhost:8080"
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
