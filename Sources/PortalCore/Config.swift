import Foundation

/// A configuration value that cannot be used; the process refuses to start with this message.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Checks shared by every command's configuration.
public enum ConfigCheck {
    /// `scheme://host[:port]` of an absolute http(s) URL, lower-cased; nil otherwise.
    public static func origin(of text: String) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host?.lowercased(), !host.isEmpty,
              components.user == nil, components.password == nil
        else { return nil }
        let defaultPort = scheme == "https" ? 443 : 80
        let port = components.port.flatMap { $0 == defaultPort ? nil : $0 }
        return "\(scheme)://\(host)" + (port.map { ":\($0)" } ?? "")
    }

    /// A secret of at least 32 bytes that is not the `.env.example` placeholder.
    public static func secret(_ name: String, _ value: String?) throws -> String {
        guard let value else { throw ConfigError("\(name) is not set") }
        try refusePlaceholder(name, value)
        guard value.utf8.count >= 32 else { throw ConfigError("\(name) must be at least 32 bytes") }
        return value
    }

    /// A value still in the `<…>` form of `.env.example` is refused by name, whatever its length.
    public static func refusePlaceholder(_ name: String, _ value: String) throws {
        if value.hasPrefix("<") && value.hasSuffix(">") {
            throw ConfigError("\(name) is still the .env.example placeholder: make one with `openssl rand -hex 32`")
        }
    }

    /// `true`/`false` (also `1`/`0`, `yes`/`no`, any case); `fallback` when unset. Anything else
    /// is refused rather than read as false, so a typo cannot switch a setting off.
    public static func boolean(_ name: String, _ value: String?, default fallback: Bool) throws -> Bool {
        guard let value else { return fallback }
        switch value.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw ConfigError("\(name) must be true or false")
        }
    }

    /// Seconds from `90`, `90s`, `15m`, `12h` or `7d`.
    public static func duration(_ name: String, _ value: String) throws -> Int {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var text = value.trimmingCharacters(in: .whitespaces).lowercased()
        var unit = 1
        if let last = text.last, let factor = units[last] {
            unit = factor
            text.removeLast()
        }
        guard let number = Int(text), number >= 0 else {
            throw ConfigError("\(name) must be seconds or a number with s, m, h or d")
        }
        return number * unit
    }
}

extension String {
    public var trimmingTrailingSlashes: String {
        var text = self
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
