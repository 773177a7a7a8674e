import Foundation
import Gateway
import Mailer
import PortalCore
import TestSupport
import Testing

/// One configuration table per command generates its flags, `portal-auth env`, and is what
/// docs/configuration.md documents. No database.
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

    @Test func flagsOverrideByNameInBothSpellings() throws {
        let overrides = try ConfigVariable.overrides(["--db-pool", "4", "--base-url=https://portal.example", "--log-level", "debug"],
                                                     for: GatewayConfig.variables)
        #expect(overrides == ["PORTAL_DB_POOL": "4", "PORTAL_BASE_URL": "https://portal.example", "LOG_LEVEL": "debug"])
        let config = try GatewayConfig.load(
            environment: ["DATABASE_URL": "host=/x dbname=y", "PORTAL_JWT_SECRET": String(repeating: "s", count: 32), "PORTAL_DB_POOL": "9"],
            overrides: overrides)
        #expect(config.databasePoolSize == 4, "the flag wins over the environment")
        #expect(throws: ConfigError("unknown option --no-such (see --help: every setting is a flag and an environment variable)")) {
            _ = try ConfigVariable.overrides(["--no-such", "1"], for: GatewayConfig.variables)
        }
        let empty = try ConfigVariable.overrides(["--allowed-origins=", "--port", "8081"], for: GatewayConfig.variables)
        #expect(empty == ["PORTAL_ALLOWED_ORIGINS": "", "PORT": "8081"], "an empty value does not take the next argument")
        #expect(try ConfigVariable.overrides(["--base-url=https://a.example/x=y"], for: GatewayConfig.variables)
                == ["PORTAL_BASE_URL": "https://a.example/x=y"], "only the first = splits")
        #expect(throws: ConfigError("--db-pool needs a value")) {
            _ = try ConfigVariable.overrides(["--db-pool"], for: GatewayConfig.variables)
        }
        #expect(throws: ConfigError.self) { _ = try ConfigVariable.overrides(["--pgpassword", "x"], for: GatewayConfig.variables) }
    }

    @Test func helpListsEveryFlag() {
        for (command, variables) in Self.commands {
            let help = ConfigVariable.help(variables)
            for variable in variables {
                if let flag = variable.flag {
                    #expect(help.contains("--\(flag) <\(variable.name)>"), "\(command): --\(flag)")
                }
            }
        }
    }

    /// The documented configuration table (docs/configuration.md, "Variables") names exactly the
    /// variables serve, mailer and migrate read.
    @Test func theDocumentedTableMatchesTheConfigurationTables() throws {
        let page = try String(contentsOfFile: TestEnvironment.repositoryRoot + "/docs/configuration.md", encoding: .utf8)
        let section = try #require(page.components(separatedBy: "\n## Variables\n").dropFirst().first?
            .components(separatedBy: "\n## ").first)
        var documented = Set<String>()
        for line in section.split(separator: "\n") where line.hasPrefix("| `") {
            let firstCell = line.split(separator: "|")[0]
            for match in firstCell.matches(of: /`([A-Z][A-Z_]+)`/) { documented.insert(String(match.output.1)) }
        }
        let read = Set(Self.commands.flatMap { $0.1.map(\.name) })
        #expect(read.subtracting(documented).isEmpty, "read but not in docs/configuration.md: \(read.subtracting(documented).sorted())")
        #expect(documented.subtracting(read).isEmpty, "in docs/configuration.md but read by none: \(documented.subtracting(read).sorted())")
    }
}
