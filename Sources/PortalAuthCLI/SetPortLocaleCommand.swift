import ArgumentParser
import Foundation
import PortalCore

extension AdminCommand {
    /// `portal-auth admin set-port-locale --port ID --locale de --time-zone Europe/Berlin`: the
    /// marina's default language and time zone (`portal_api.set_port_locale`); prints the port.
    struct SetPortLocale: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-port-locale",
            abstract: "Set (or clear, when omitted) a port's default language and time zone; prints the port.",
            discussion: """
                The language is used for the port's clients' pages and mails unless a client chose their own (on the \
                pages, or staff with the invite's or PUT's locale); without one, pages follow the browser and mails \
                are English. The time zone is the one mails write times in (a link's expiry); without one, UTC. \
                A locale is a BCP 47 tag: a language, optionally a script and a region (de, de-AT, sr-Latn-RS); a \
                time zone an IANA name Postgres knows (Europe/Berlin). A mail already queued is written in the \
                language in force when it is sent.

                \(ExitStatus.summary)
                """)
        @OptionGroup var options: AdminOptions
        @Option(help: "Port id.") var port: String
        @Option(help: "Default language, a BCP 47 tag: de, hr, el, de-AT.") var locale: String?
        @Option(name: .customLong("time-zone"), help: "IANA time zone, e.g. Europe/Zagreb.") var timeZone: String?

        func validate() throws {
            if let locale, LanguageTag(locale) == nil {
                throw ValidationError(
                    "--locale must be a BCP 47 language tag: a language, optionally a script and a region (de, de-AT, sr-Latn-RS), not '\(TerminalText.escaped(locale))'")
            }
        }

        func run() throws {
            try AdminCommand.exit(options) {
                options.emitObject(
                    try options.store().setPortLocale(port: port, locale: locale.flatMap(LanguageTag.init)?.description, timeZone: timeZone))
            }
        }
    }
}
