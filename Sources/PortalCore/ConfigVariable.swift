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

    public init(_ name: String, default defaultValue: String? = nil, required: Bool = false, secret: Bool = false,
                _ summary: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.required = required
        self.secret = secret
        self.summary = summary
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
