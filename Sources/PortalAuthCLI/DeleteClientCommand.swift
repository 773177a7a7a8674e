import ArgumentParser
import Foundation
import PortalCore

extension AdminCommand {
    /// `portal-auth admin delete-client ID`: the seed's cascade. The client, its portal user, its
    /// tokens, sessions and mail go; the address is free for a new invite; the audit keeps what
    /// happened without the person. Refused, deleting nothing, while a mailer is sending one of
    /// its mails (the message says how long to wait).
    struct DeleteClient: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete-client",
            abstract: "Delete a client with its portal user, tokens, sessions and mail; erase the person from the audit.",
            discussion: """
                As the CRM's cascade: the client's portal user, its links, sessions and queued mail go at once (its \
                cookie is refused from then on), its address may be invited again, and its audit rows keep their ids, \
                kinds and times but lose the address, network address, user agent and names. Cannot be undone.
                """)
        @OptionGroup var options: AdminOptions
        @Argument(help: "Client id.") var client: String

        func run() throws {
            try AdminCommand.exit(options) {
                try options.store().deleteClient(client: client, actor: AdminCommand.actor)
                options.emitValue("deleted", client)
            }
        }
    }
}
