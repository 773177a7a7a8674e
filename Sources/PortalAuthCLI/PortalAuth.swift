import ArgumentParser
import Foundation

/// `portal-auth`: the gateway, the mailer and the operator tools in one executable.
@main
struct PortalAuth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portal-auth",
        abstract: "Authentication service for the marina CRM's client portal.",
        version: PortalAuthVersion.current,
        subcommands: [ServeCommand.self, MailerCommand.self, MigrateCommand.self, AdminCommand.self, EnvCommand.self]
    )

    static func main() async {
        // A parent on a worker thread may start us with SIGTERM/SIGINT blocked; graceful
        // shutdown depends on receiving them.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // The settings of serve, mailer and migrate are listed under OPTIONS (SettingsHelp).
            if exitCode(for: error) == .success, let help = SettingsHelp.completing(fullMessage(for: error)) {
                print(help)
                Self.exit()
            }
            // ArgumentParser's `Error: …` line, with the exit code of ExitStatus's table.
            if let failure = error as? CLIFailure {
                FileHandle.standardError.write(Data((fullMessage(for: failure) + "\n").utf8))
                exit(withError: failure.status.exitCode)
            }
            exit(withError: error)
        }
    }
}
