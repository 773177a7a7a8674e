import ArgumentParser

/// `portal-auth`: the gateway, the mailer and the operator tools in one executable.
@main
struct PortalAuth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portal-auth",
        abstract: "Authentication service for the marina CRM's client portal.",
        subcommands: [MigrateCommand.self, ServeCommand.self]
    )
}
