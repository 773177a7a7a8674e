import Gateway
import Mailer
@testable import PortalAuthCLI
import PortalCore
import Testing

/// Every setting of serve, mailer and migrate is a flag (`--db-pool <PORTAL_DB_POOL>`), parsed
/// against the command's variables; `--help` lists them and `portal-auth env` prints the table.
@Suite struct SettingsFlagsTests {
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

    @Test(arguments: ["serve", "mailer", "migrate"])
    func helpListsEveryFlagWithItsDefault(command: String) throws {
        let variables = try #require(SettingsHelp.commands[command])
        let help = SettingsHelp.rows(variables).joined(separator: "\n")
        for variable in variables {
            guard let flag = variable.flag else { continue }
            #expect(help.contains("--\(flag) <\(variable.name)>"), "\(command): --\(flag)")
        }
        if command == "serve" {
            #expect(help.contains("(default: \(GatewayConfig.Defaults.port))"), "the default the loader reads, printed")
        }
    }

    @Test func envSaysWhatIsRequiredSecretAndDefault() {
        let table = ConfigVariable.table(GatewayConfig.variables)
        let jwt = table.split(separator: "\n").first { $0.hasPrefix("PORTAL_JWT_SECRET ") }
        #expect(jwt?.contains("required, secret") == true)
        #expect(table.split(separator: "\n").contains { $0.hasPrefix("PORT ") && $0.contains("default: 8080") })
        #expect(table.split(separator: "\n").contains { $0.hasPrefix("PORTAL_SESSION_TTL ") && $0.contains("default: 12h") })
        #expect(!GatewayConfig.environmentKeys.contains("PORTAL_TOKEN_KEY"))
        #expect(Set(GatewayConfig.environmentKeys).count == GatewayConfig.environmentKeys.count, "no variable twice")
    }
}
