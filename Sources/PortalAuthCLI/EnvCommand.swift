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

    static let migrateVariables: [ConfigVariable] = [
        ConfigVariable("DATABASE_URL", required: true, secret: true, "libpq URI or conninfo of the owner or a superuser"),
        ConfigVariable("PGPASSWORD", secret: true, environmentOnly: true, "the role's password, read by libpq: keeps it out of DATABASE_URL"),
        ConfigVariable("PORTAL_MIGRATIONS_DIR", default: "the migrations next to the binary, or ./sql/migrations", flag: "dir",
                       "migrations folder"),
        ConfigVariable("PORTAL_GATEWAY_DB_PASSWORD", secret: true, "sets portal_gateway's password (as a SCRAM verifier)"),
        ConfigVariable("PORTAL_MAILER_DB_PASSWORD", secret: true, "sets portal_mailer's password (as a SCRAM verifier)"),
    ] + ConfigVariable.logging

    @Argument(help: "serve, mailer or migrate") var subcommand: String

    func run() throws {
        switch subcommand {
        case "serve": print(ConfigVariable.table(GatewayConfig.variables))
        case "mailer": print(ConfigVariable.table(MailerConfig.variables))
        case "migrate": print(ConfigVariable.table(Self.migrateVariables))
        default: throw ValidationError("expected serve, mailer or migrate")
        }
    }
}
