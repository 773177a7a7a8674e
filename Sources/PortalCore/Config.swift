import Foundation
import Logging
import PortalCrypto

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
        default:
            throw ConfigError(
                "\(name) must be true or false (also 1/0 or yes/no), not \"\(value)\": e.g. \(name)=\(fallback ? "true" : "false")")
        }
    }

    /// `ln=…,r=…,p=…` (any order, each once). A value out of its range is called that, with the
    /// ranges — also when another parameter is missing — rather than "malformed".
    public static func scrypt(_ name: String, _ value: String) throws -> ScryptParameters {
        let example = "e.g. \(name)=\(ScryptParameters.default)"
        var values: [String: Int] = [:]
        for part in value.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, ["ln", "r", "p"].contains(pair[0]), values[pair[0]] == nil else {
                throw ConfigError("\(name) must be three parameters ln=…,r=…,p=… separated by commas, not \"\(value)\": \(example)")
            }
            guard let number = Int(pair[1]) else {
                throw ConfigError("\(name): \(pair[0]) must be an integer, not \"\(pair[1])\": \(example)")
            }
            values[pair[0]] = number
        }
        let ranges = ["ln": 10...22, "r": 1...32, "p": 1...16]
        for key in ["ln", "r", "p"] {
            if let number = values[key], let range = ranges[key], !range.contains(number) {
                throw ConfigError(
                    "\(name): \(key)=\(number) is out of range (ln 10–22, r 1–32, p 1–16, at most 2 GiB per hash): \(example)")
            }
        }
        guard let ln = values["ln"], let r = values["r"], let p = values["p"] else {
            let missing = ["ln", "r", "p"].filter { values[$0] == nil }.joined(separator: " and ")
            throw ConfigError("\(name) lacks \(missing): give all three of ln, r and p, \(example)")
        }
        do { return try ScryptParameters(ln: ln, r: r, p: p) } catch {
            throw ConfigError(
                "\(name): ln=\(ln),r=\(r),p=\(p) needs more than 2 GiB per hash (128 · 2^ln · r bytes): lower ln or r, \(example)")
        }
    }

    /// `LOG_LEVEL` (trace … critical) and `LOG_FORMAT` (text or json), checked before the
    /// process starts (logging itself is set up before the configuration is read, so it cannot refuse).
    public static func logging(_ values: [String: String]) throws {
        if let level = values["LOG_LEVEL"], !level.isEmpty, Logger.Level(rawValue: level.lowercased()) == nil {
            throw ConfigError(
                "LOG_LEVEL must be trace, debug, info, notice, warning, error or critical, not \"\(level)\": e.g. LOG_LEVEL=info")
        }
        if let format = values["LOG_FORMAT"], !format.isEmpty, !["text", "json"].contains(format.lowercased()) {
            throw ConfigError("LOG_FORMAT must be text or json, not \"\(format)\": e.g. LOG_FORMAT=json")
        }
    }

    /// A folder that exists (a file, or nothing at that path, is refused by name).
    public static func directory(_ name: String, _ path: String, example: String = "/etc/portal-auth/templates") throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigError("\(name): \(path) does not exist: give an existing folder, e.g. \(name)=\(example)")
        }
        guard isDirectory.boolValue else {
            throw ConfigError("\(name): \(path) is a file, not a folder: give the folder that holds the files")
        }
        return path
    }

    /// A readable file (`SMTP_CA_FILE`).
    public static func readableFile(_ name: String, _ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              FileManager.default.isReadableFile(atPath: path)
        else {
            throw ConfigError("\(name): \(path) is not a readable file, e.g. \(name)=/etc/ssl/certs/relay-ca.pem")
        }
        return path
    }

    /// `seconds` as `duration` reads it, in the largest unit that divides it: `43200` → `12h`.
    public static func durationText(_ seconds: Int) -> String {
        for (unit, factor) in [("d", 86400), ("h", 3600), ("m", 60)] where seconds > 0 && seconds % factor == 0 {
            return "\(seconds / factor)\(unit)"
        }
        return "\(seconds)s"
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
