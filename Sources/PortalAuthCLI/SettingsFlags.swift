import Foundation
import PortalCore

/// The settings on the command line: every `ConfigVariable` but `PGPASSWORD` is a flag of its
/// command (`--db-pool <PORTAL_DB_POOL>`), parsed here, and `portal-auth env` prints the table.
extension ConfigVariable {
    /// The overrides given as `--flag value` or `--flag=value` for `variables`, by variable name.
    /// Every variable has its flag; an unknown flag or one without a value is refused by name.
    static func overrides(_ arguments: [String], for variables: [ConfigVariable]) throws -> [String: String] {
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

    /// What `portal-auth env <command>` prints, one line per variable:
    /// `NAME  required, secret  summary` or `NAME  default: X  summary`.
    static func table(_ variables: [ConfigVariable]) -> String {
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
}
