import Gateway
import Mailer
import PortalCore

/// The settings of `serve`, `mailer` and `migrate` in their `--help`, listed under OPTIONS like
/// every other flag: `--db-pool <PORTAL_DB_POOL>  database connections (default: 10)`.
///
/// The commands take their settings as one `.allUnrecognized` argument, parsed against the typed
/// variable tables (`GatewayConfig.variables`, …) so that a flag and its environment variable
/// can never drift apart; ArgumentParser cannot declare options from a table, so its help for
/// those commands is completed here, in its own layout.
enum SettingsHelp {
    /// The variables whose flags each command takes, by command name.
    static let commands: [String: [ConfigVariable]] = [
        "serve": GatewayConfig.variables, "mailer": MailerConfig.variables, "migrate": Migrator.variables,
    ]

    /// The discussion of those commands: the settings' rule in one paragraph (the flags follow).
    static let discussion = """
        Every setting below is a flag and an environment variable (PGPASSWORD only the variable); \
        the flag wins. `portal-auth env <command>` lists the variables.

        \(ExitStatus.summary)
        """

    /// The usage line of `command`.
    static func usage(_ command: String) -> String { "portal-auth \(command) [--<setting> <value> ...]" }

    /// ArgumentParser's help text with the settings of the command it describes listed under
    /// OPTIONS; nil when the text is not the help of one of those commands.
    static func completing(_ help: String) -> String? {
        var lines = help.components(separatedBy: "\n")
        guard let usage = lines.first(where: { $0.hasPrefix("USAGE: portal-auth ") }),
              let command = usage.dropFirst("USAGE: portal-auth ".count).split(separator: " ").first,
              let variables = commands[String(command)],
              let options = lines.firstIndex(of: "OPTIONS:")
        else { return nil }
        lines.insert(contentsOf: rows(variables), at: options + 1)
        return lines.joined(separator: "\n")
    }

    /// One option per flag, in ArgumentParser's layout: the label indented by 2, the text from
    /// column 26 (on the next line when the label is longer), wrapped at 80 columns.
    static func rows(_ variables: [ConfigVariable]) -> [String] {
        let column = 26
        return variables.flatMap { variable -> [String] in
            guard let flag = variable.flag else { return [] }
            var text = variable.summary
            if variable.required {
                text += " (required)"
            } else if let value = variable.defaultValue {
                text += " (default: \(value))"
            }
            if variable.secret { text += "; a secret: prefer the environment variable (flags show in ps)" }
            let label = "  --\(flag) <\(variable.name)>"
            let wrapped = wrap(text, width: 80 - column)
            let indent = String(repeating: " ", count: column)
            if label.count < column {
                return [label.padding(toLength: column, withPad: " ", startingAt: 0) + wrapped[0]]
                    + wrapped.dropFirst().map { indent + $0 }
            }
            return [label] + wrapped.map { indent + $0 }
        }
    }

    /// `text` in lines of at most `width` characters, broken at spaces (a longer word stays whole).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }
}
