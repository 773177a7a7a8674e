import ArgumentParser
import Foundation
import PortalCore

extension AdminCommand {
    /// `portal-auth admin send-activations --port ID [--dry-run]`: the cut-over's mail. Every
    /// invited (never activated), enabled portal user of the port without a live activation link
    /// gets a fresh one, queued for the mailers; a user with a live link is left alone, so a
    /// second run mails nobody twice.
    struct SendActivations: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send-activations",
            abstract: "Queue an activation mail for every invited user of a port without a live link (the cut-over).",
            discussion: """
                For the day the portal moves from magic links to passwords: the import brings the old portal's \
                users in as invited, without mail. This queues one activation mail for each of them that has no \
                live link (the mailers send them at their pace) and prints the counts. Safe to run again: a user \
                whose link is still live gets nothing. Disabled users are counted, not mailed. --dry-run only counts.
                """)
        @OptionGroup var options: AdminOptions
        @Option(help: "Port id.") var port: String
        @Flag(name: .customLong("dry-run"), help: "Count who would be mailed; queue nothing.") var dryRun = false

        func run() throws {
            try AdminCommand.exit(options) {
                let text = try options.store().sendActivations(port: port, dryRun: dryRun, actor: AdminCommand.actor)
                guard let text, let counts = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                    return
                }
                if options.json {
                    options.printJSON(counts)
                } else {
                    print(TerminalText.escaped(Self.sentence(counts)))
                }
            }
        }

        /// The counts in words: `port north: 120 invited without a password; 3 have a live link
        /// (left alone); 117 activation mails queued; 2 disabled (not mailed).`
        static func sentence(_ counts: [String: Any]) -> String {
            func count(_ key: String) -> Int { (counts[key] as? NSNumber)?.intValue ?? 0 }
            let dryRun = (counts["dryRun"] as? NSNumber)?.boolValue ?? false
            let queued = count("queued")
            let mails = "\(queued) activation mail\(queued == 1 ? "" : "s")"
            return "port \(counts["port"] as? String ?? "?"): \(count("invited")) invited without a password; "
                + "\(count("withLiveLink")) with a live link (left alone); "
                + (dryRun ? "a real run would queue \(mails) (dry run: nothing queued)" : "\(mails) queued for the mailers")
                + "; \(count("disabled")) disabled (not mailed)."
        }
    }
}
