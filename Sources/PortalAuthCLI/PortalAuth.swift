import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// `portal-auth`: the gateway, the mailer and the operator tools in one executable.
@main
struct PortalAuth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portal-auth",
        abstract: "Authentication service for the marina CRM's client portal.",
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
        // The A/B of issue 13 (bench/run.sh): Swift's global executor replaced by NIO's event
        // loops, so a task resumed by the database poller may run on an event loop instead of a
        // Dispatch worker. Off unless asked for; see the README's benchmark table for why.
        if ProcessInfo.processInfo.environment["PORTAL_EXECUTOR"] == "nio" {
            _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
