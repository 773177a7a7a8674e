import ArgumentParser
import Mailer
import PortalCore

/// `portal-auth env serve|mailer|migrate`: the environment variables a subcommand reads, one per
/// line — for deployment files (a test checks docker-compose.yml against this list).
struct EnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env", abstract: "List the environment variables a subcommand reads.")

    static let migrateKeys = ["DATABASE_URL", "PORTAL_MIGRATIONS_DIR", "PORTAL_GATEWAY_DB_PASSWORD", "PORTAL_MAILER_DB_PASSWORD",
                              "LOG_LEVEL", "LOG_FORMAT"]

    @Argument(help: "serve, mailer or migrate") var subcommand: String

    func run() throws {
        switch subcommand {
        case "serve": GatewayConfig.environmentKeys.forEach { print($0) }
        case "mailer": MailerConfig.environmentKeys.forEach { print($0) }
        case "migrate": Self.migrateKeys.forEach { print($0) }
        default: throw ValidationError("expected serve, mailer or migrate")
        }
    }
}
