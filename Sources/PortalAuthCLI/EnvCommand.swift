import ArgumentParser
import Gateway
import Mailer
import PortalCore

/// `portal-auth env serve|mailer|migrate`: the environment variables a subcommand reads, one per
/// line with its default (or "required") and whether it is a secret — for deployment files (a
/// test checks docker-compose.yml against this list).
struct EnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env", abstract: "List the environment variables a subcommand reads.")

    @Argument(help: "serve, mailer or migrate") var subcommand: String

    func run() throws {
        switch subcommand {
        case "serve": print(ConfigVariable.table(GatewayConfig.variables))
        case "mailer": print(ConfigVariable.table(MailerConfig.variables))
        case "migrate": print(ConfigVariable.table(Migrator.variables))
        default: throw ValidationError("expected serve, mailer or migrate")
        }
    }
}
