import Foundation
import Gateway
import Mailer
import PortalCore
import TestSupport
import Testing

/// One configuration table per command generates its flags, `portal-auth env`, and is what
/// docs/configuration.md documents, defaults included (the flags themselves: `SettingsFlagsTests`).
/// No database.
@Suite struct ConfigTableTests {
    static let commands: [(String, [ConfigVariable])] = [
        ("serve", GatewayConfig.variables), ("mailer", MailerConfig.variables), ("migrate", Migrator.variables),
    ]

    @Test func flagsAreDerivedFromTheVariableNames() {
        let gateway = Dictionary(uniqueKeysWithValues: GatewayConfig.variables.map { ($0.name, $0.flag) })
        #expect(gateway["PORTAL_DB_POOL"] == "db-pool")
        #expect(gateway["DATABASE_URL"] == "database-url")
        #expect(gateway["PORT"] == "port")
        #expect(gateway["PGPASSWORD"] == .some(nil), "libpq reads PGPASSWORD itself: no flag")
        let mailer = Dictionary(uniqueKeysWithValues: MailerConfig.variables.map { ($0.name, $0.flag) })
        #expect(mailer["MAILER_BATCH"] == "batch")
        #expect(mailer["MAIL_TEMPLATES_DIR"] == "templates-dir")
        #expect(mailer["MAIL_LOCALES_DIR"] == "locales-dir")
        #expect(mailer["LOG_FORMAT"] == "log-format")
        let migrate = Dictionary(uniqueKeysWithValues: Migrator.variables.map { ($0.name, $0.flag) })
        #expect(migrate["PORTAL_MIGRATIONS_DIR"] == "dir", "named by hand: --migrations-dir would say it twice")
        #expect(migrate["PORTAL_GATEWAY_DB_PASSWORD"] == "gateway-db-password")
    }

    @Test func everyVariableButPGPASSWORDHasAFlagAndNoTwoShareOne() {
        for (command, variables) in Self.commands {
            #expect(variables.filter { $0.flag == nil }.map(\.name) == ["PGPASSWORD"], "\(command)")
            let flags = variables.compactMap(\.flag)
            #expect(Set(flags).count == flags.count, "\(command): a flag is used twice")
        }
    }

    /// The rows of docs/configuration.md's "Variables" table: each variable named in a row's first
    /// cell, with the row's default cell.
    static func documentedRows() throws -> [(name: String, defaultCell: String)] {
        let page = try String(contentsOfFile: TestEnvironment.repositoryRoot + "/docs/configuration.md", encoding: .utf8)
        let section = try #require(page.components(separatedBy: "\n## Variables\n").dropFirst().first?
            .components(separatedBy: "\n## ").first)
        var rows: [(String, String)] = []
        for line in section.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            try #require(cells.count >= 4, "\(line)")
            for match in cells[1].matches(of: /`([A-Z][A-Z_]+)`/) { rows.append((String(match.output.1), cells[3])) }
        }
        return rows
    }

    /// The documented configuration table names exactly the variables serve, mailer and migrate read.
    @Test func theDocumentedTableMatchesTheConfigurationTables() throws {
        let documented = Set(try Self.documentedRows().map(\.name))
        let read = Set(Self.commands.flatMap { $0.1.map(\.name) })
        #expect(read.subtracting(documented).isEmpty, "read but not in docs/configuration.md: \(read.subtracting(documented).sorted())")
        #expect(documented.subtracting(read).isEmpty, "in docs/configuration.md but read by none: \(documented.subtracting(read).sorted())")
    }

    /// Each documented default is the one the code declares (and its loader reads), word for word:
    /// `required`, `unset`, or the printed default (backticks aside). A variable read by several
    /// commands has one default for all of them.
    @Test func theDocumentedDefaultsAreTheCodesDefaults() throws {
        var declared: [String: Set<String>] = [:]
        for (_, variables) in Self.commands {
            for variable in variables {
                declared[variable.name, default: []].insert(variable.required ? "required" : variable.defaultValue ?? "unset")
            }
        }
        for (name, defaults) in declared {
            #expect(defaults.count == 1, "\(name) has a different default in different commands: \(defaults.sorted())")
        }
        for (name, cell) in try Self.documentedRows() {
            guard let expected = declared[name]?.first else { continue }
            #expect(cell.replacingOccurrences(of: "`", with: "") == expected,
                    "docs/configuration.md says \(name) defaults to \"\(cell)\"; the code says \"\(expected)\"")
        }
    }
}
