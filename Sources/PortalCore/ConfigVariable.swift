import Foundation

/// One environment variable a command reads: what `portal-auth env <command>` prints, and where
/// the command's list of accepted variables comes from.
public struct ConfigVariable: Sendable, Equatable {
    public let name: String
    /// The default in words; nil when the variable is required or simply unset by default.
    public let defaultValue: String?
    public let required: Bool
    /// Whether the value is a secret (never logged; keep it out of files under version control).
    public let secret: Bool
    public let summary: String
    /// The command-line flag that overrides the variable, without the dashes: the name in lower
    /// case with `-` for `_`, the `PORTAL_` or `MAILER_` prefix dropped (`PORTAL_DB_POOL` → `db-pool`).
    /// Nil for `PGPASSWORD`: libpq reads it from the environment itself.
    public let flag: String?

    public init(_ name: String, default defaultValue: String? = nil, required: Bool = false, secret: Bool = false,
                flag: String? = nil, environmentOnly: Bool = false, _ summary: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.required = required
        self.secret = secret
        self.summary = summary
        var stem = Substring(name)
        if let prefix = ["PORTAL_", "MAILER_"].first(where: { stem.hasPrefix($0) }) { stem = stem.dropFirst(prefix.count) }
        self.flag = environmentOnly ? nil : (flag ?? stem.lowercased().replacingOccurrences(of: "_", with: "-"))
    }

    /// The overrides given as `--flag value` or `--flag=value` for `variables`, by variable name.
    /// Every variable has its flag; an unknown flag or one without a value is refused by name.
    public static func overrides(_ arguments: [String], for variables: [ConfigVariable]) throws -> [String: String] {
        let byFlag = Dictionary(uniqueKeysWithValues: variables.compactMap { variable in variable.flag.map { ("--" + $0, variable) } })
        var overrides: [String: String] = [:]
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            let equals = argument.firstIndex(of: "=")
            let flag = equals.map { String(argument[..<$0]) } ?? argument
            let inline = equals.map { String(argument[argument.index(after: $0)...]) }
            guard let variable = byFlag[flag] else {
                throw ConfigError("unknown option \(flag) (see --help: every setting is a flag and an environment variable)")
            }
            if let inline {
                overrides[variable.name] = inline
            } else {
                index += 1
                guard index < arguments.endIndex else { throw ConfigError("\(flag) needs a value") }
                overrides[variable.name] = arguments[index]
            }
            index += 1
        }
        return overrides
    }

    /// The flags of `variables` for `--help`: `--db-pool <PORTAL_DB_POOL>  database connections (default: 10)`.
    public static func help(_ variables: [ConfigVariable]) -> String {
        let rows = variables.compactMap { variable -> (String, String)? in
            guard let flag = variable.flag else { return nil }
            var text = variable.summary
            if variable.required { text += " (required)" } else if let value = variable.defaultValue { text += " (default: \(value))" }
            if variable.secret { text += "; a secret: prefer the environment variable (flags show in ps)" }
            return ("--\(flag) <\(variable.name)>", text)
        }
        let width = rows.map(\.0.count).max() ?? 0
        return "Every setting is a flag and an environment variable (PGPASSWORD only the variable); the flag wins.\n\n"
            + rows.map { $0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $1 }.joined(separator: "\n")
    }

    /// `NAME  required, secret  summary` or `NAME  default: X  summary`.
    public static func table(_ variables: [ConfigVariable]) -> String {
        let rows = variables.map { variable -> (String, String, String) in
            var status = variable.required ? "required" : (variable.defaultValue.map { "default: \($0)" } ?? "optional")
            if variable.secret { status += ", secret" }
            return (variable.name, status, variable.summary)
        }
        let nameWidth = rows.map(\.0.count).max() ?? 0
        let statusWidth = rows.map(\.1.count).max() ?? 0
        return rows.map { name, status, summary in
            name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  "
                + status.padding(toLength: statusWidth, withPad: " ", startingAt: 0) + "  " + summary
        }.joined(separator: "\n")
    }

    /// `LOG_LEVEL` and `LOG_FORMAT`, read by every command.
    public static let logging = [
        ConfigVariable("LOG_LEVEL", default: "info", "trace, debug, info, notice, warning, error or critical"),
        ConfigVariable("LOG_FORMAT", default: "text", "json: one JSON object per line"),
    ]
}
