import Foundation
import Logging

/// One environment variable a command reads: what `portal-auth env <command>` prints, and where
/// the command's list of accepted variables comes from. The command line's flags, `--help` and
/// `env` are the CLI's (`PortalAuthCLI/SettingsFlags.swift`).
public struct ConfigVariable: Sendable, Equatable {
    public let name: String
    /// The default as printed: the loader's typed default in words (`"\(Defaults.port)"`), or the
    /// rule that makes it; nil when the variable is required or simply unset by default.
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

    /// `LOG_LEVEL` when unset.
    public static let defaultLogLevel = Logger.Level.info

    /// `LOG_LEVEL` and `LOG_FORMAT`, read by every command.
    public static let logging = [
        ConfigVariable("LOG_LEVEL", default: defaultLogLevel.rawValue, "trace, debug, info, notice, warning, error or critical"),
        ConfigVariable("LOG_FORMAT", default: "text", "json: one JSON object per line"),
    ]
}
