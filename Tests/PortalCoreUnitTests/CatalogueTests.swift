import Foundation
import Mailer
import PortalCore
import Testing

/// The shipped catalogues: ten languages, each with exactly English's keys, placeholders and the
/// plural forms its language needs, and no HTML; and the loader, formatter and overrides.
@Suite struct CatalogueTests {
    static let sources: [String: [String: String]] = (try? Catalogue.shippedSources()) ?? [:]

    @Test func theTenLanguagesAreShippedAndLoad() throws {
        #expect(Set(Self.sources.keys) == ["en", "de", "fr", "es", "it", "nl", "hr", "el", "da", "sv"])
        let catalogue = try Catalogue()
        #expect(catalogue.languages == Set(Catalogue.shippedLanguages))
        #expect(Self.sources["en"]!.count > 150, "English has every string of the pages, scripts and mails")
    }

    /// One issue per problem, each naming the language and the key.
    @Test(arguments: Catalogue.shippedLanguages)
    func everyCatalogueHasEnglishsKeysPlaceholdersAndNoHTML(language: String) throws {
        let english = try #require(Self.sources["en"])
        let messages = try #require(Self.sources[language], "\(language).json is shipped")
        for problem in Catalogue.problems(language: language, messages: messages, source: english, complete: true) {
            Issue.record(Comment(rawValue: problem))
        }
    }

    /// JSON keeps the last of two equal keys without a word: a translator's duplicate would hide
    /// one of the two messages. The shipped files hold one key per line, so a line scan finds it.
    @Test(arguments: Catalogue.shippedLanguages)
    func everyCatalogueFileHasEachKeyOnce(language: String) throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../Sources/PortalCore/Resources/locales/\(language).json")
        let text = try String(contentsOf: file, encoding: .utf8)
        var seen = Set<String>()
        for line in text.split(separator: "\n") {
            guard let match = line.firstMatch(of: /^\s*"([^"]+)"\s*:/) else { continue }
            let key = String(match.1)
            #expect(seen.insert(key).inserted, "\(language): \(key): appears twice")
        }
        #expect(seen.count == Self.sources[language]?.count, "one key per line, as the files are written")
    }

    @Test(arguments: Catalogue.shippedLanguages)
    func everyCatalogueNamesItsLanguageInItself(language: String) throws {
        let name = try #require(Self.sources[language]?["language.name"])
        let names = [
            "en": "English", "de": "Deutsch", "fr": "Français", "es": "Español", "it": "Italiano",
            "nl": "Nederlands", "hr": "Hrvatski", "el": "Ελληνικά", "da": "Dansk", "sv": "Svenska",
        ]
        #expect(name == names[language])
    }

    /// The checker the tests above rely on finds each kind of fault, and names language and key.
    @Test func theCheckerNamesEachFaultByLanguageAndKey() {
        let english = [
            "greeting": "Hello {name},", "count": "{n, plural, one {# day} other {# days}}", "plain": "Sign in",
            "missing": "Gone",
            "broken": "{n, plural, one {x} other {y}}",
        ]
        let broken = [
            "greeting": "Bonjour {nom},", "count": "{n, plural, one {# dan} other {# dana}}", "plain": "<b>Prijava</b>",
            "extra": "Extra &amp; more", "broken": "{n, plural, one {x}",
        ]
        let problems = Catalogue.problems(language: "hr", messages: broken, source: english, complete: true)
        #expect(problems.contains("hr: missing: missing (English has it)"))
        #expect(problems.contains("hr: extra: not in English"))
        #expect(problems.contains("hr: greeting: placeholders {nom} differ from English's {name}"))
        #expect(problems.contains("hr: count: the plural of {n} lacks the form(s) few"))
        #expect(problems.contains("hr: plain: HTML (<b>) in a text message"))
        #expect(problems.contains("hr: extra: HTML (&amp;) in a text message"))
        #expect(problems.contains { $0.hasPrefix("hr: broken: ") })
        #expect(problems.count == 7, "\(problems)")
        #expect(
            Catalogue.problems(language: "de", messages: ["plain": "  "], source: english, complete: false) == [
                "de: plain: empty"
            ])
        #expect(Catalogue.problems(language: "de", messages: english, source: english, complete: true).isEmpty)
        #expect(
            Catalogue.problems(language: "de", messages: ["a": "1 < 2 and 3 > 2 & so on"], source: [:], complete: false)
                .count == 1,
            "a < … > pair reads as a tag")
        #expect(
            Catalogue.problems(language: "de", messages: ["a": "Fish & chips; 3 < 4"], source: [:], complete: false)
                .isEmpty)
    }

    // MARK: What the catalogues say

    /// English says what the product says today, so wiring the catalogue in changes no English text.
    @Test func englishMatchesThePasswordPolicysSentences() throws {
        let catalogue = try Catalogue()
        let policy = PasswordPolicy(minimumLength: 14, commonPasswords: ["correct horse battery"])
        func en(_ key: String, _ arguments: [String: MessageArgument] = [:]) -> String {
            catalogue.format(key, language: "en", arguments)
        }
        #expect(policy.violations(of: "short") == [en("password.tooShort", ["minLength": 14])])
        #expect(
            policy.violations(of: String(repeating: "x", count: 5000)) == [en("password.tooLong", ["maxLength": 128])])
        #expect(policy.violations(of: "Correct Horse Battery") == [en("password.common")])
        #expect(policy.violations(of: "abababababababab") == [en("password.repetitive")])
        #expect(policy.violations(of: "abcdefghijklmnop") == [en("password.sequential")])
        #expect(policy.summary == en("password.summary", ["minLength": 14, "maxLength": 128]))
    }

    @Test func englishHasASentenceForEveryErrorCode() throws {
        let catalogue = try Catalogue()
        let english = try #require(Self.sources["en"])
        let httpOnly = [
            "not_found", "method_not_allowed", "unsupported_media_type", "payload_too_large", "request_timeout",
            "forbidden_origin",
        ]
        for code in PortalError.Reason.allCases.map(\.rawValue) + httpOnly {
            #expect(english["error.\(code)"] != nil, "error.\(code) is missing")
        }
        for error in [
            PortalError.invalidCredentials, .unauthenticated, .invalidToken, .internalError, .overloaded,
            .invalidAdminKey,
        ] {
            #expect(catalogue.format("error.\(error.code)", language: "en") == error.message)
        }
        #expect(
            catalogue.format("error.invalid_credentials.current", language: "en")
                == PortalError.wrongCurrentPassword.message)
    }

    @Test func englishDurationsReadAsTheMailersDo() throws {
        let catalogue = try Catalogue()
        for (key, count, seconds) in [
            ("duration.hours", 72, 72 * 3600), ("duration.hours", 2, 2 * 3600), ("duration.minutes", 30, 1800),
            ("duration.minutes", 1, 60), ("duration.days", 4, 4 * 86400), ("duration.days", 30, 30 * 86400),
        ] {
            #expect(
                catalogue.format(key, language: "en", ["count": .number(count)])
                    == MailTemplates.expiryInWords(secondsLeft: seconds))
        }
    }

    @Test func pluralFormsFollowEachLanguagesRule() throws {
        let catalogue = try Catalogue()
        func say(_ language: String, _ key: String, _ count: Int) -> String {
            catalogue.format(key, language: language, ["minLength": .number(count), "count": .number(count)])
        }
        #expect(say("en", "password.tooShort", 12) == "Use at least 12 characters.")
        #expect(say("en", "password.tooShort", 1) == "Use at least 1 character.")
        #expect(say("hr", "password.tooShort", 12) == "Upotrijebite najmanje 12 znakova.")
        #expect(say("hr", "password.tooShort", 22) == "Upotrijebite najmanje 22 znaka.")
        #expect(say("hr", "password.tooShort", 21) == "Upotrijebite najmanje 21 znak.")
        #expect(say("hr", "password.tooShort", 111) == "Upotrijebite najmanje 111 znakova.")
        #expect(say("hr", "duration.hours", 72) == "72 sata")
        #expect(say("hr", "duration.hours", 5) == "5 sati")
        #expect(say("fr", "duration.hours", 0) == "0 heure", "French counts 0 as one")
        #expect(say("fr", "duration.hours", 2) == "2 heures")
        #expect(say("de", "duration.days", 3) == "3 Tagen")
        #expect(say("el", "duration.days", 1) == "1 ημέρα")
    }

    @Test func aMissingKeyFallsBackToEnglishAndAnUnknownOneReadsAsItself() throws {
        let catalogue = try Catalogue(sources: [
            "en": ["a": "Hello {name}.", "b": "Only English"], "de": ["a": "Hallo {name}."],
        ])
        #expect(catalogue.format("a", language: "de", ["name": "Ann"]) == "Hallo Ann.")
        #expect(catalogue.format("b", language: "de") == "Only English")
        #expect(catalogue.format("a", language: "de-AT", ["name": "Ann"]) == "Hallo Ann.", "a tag finds its catalogue")
        #expect(catalogue.format("a", language: "pt-BR", ["name": "Ann"]) == "Hello Ann.")
        #expect(catalogue.format("a", language: nil, ["name": "Ann"]) == "Hello Ann.")
        #expect(catalogue.format("a", language: "de") == "Hallo {name}.", "a missing argument shows, not vanishes")
        #expect(catalogue.format("nope", language: "de") == "nope")
    }

    @Test func aLinkPlaceholderStaysAPieceForTheTemplate() throws {
        let catalogue = try Catalogue()
        let pieces = catalogue.pieces(
            "mail.questions.phoneAndEmail", language: "en", ["phone": "+385 21 123", "email": "port@x.hr"],
            keep: ["email"])
        #expect(pieces == [.text("Questions? Call +385 21 123 or write to "), .argument("email"), .text(".")])
        #expect(
            catalogue.format("mail.questions.phoneAndEmail", language: "de", ["phone": "1", "email": "a@b"])
                == "Fragen? Rufen Sie uns unter 1 an oder schreiben Sie an a@b.")
    }

    @Test func theExpiryReadsInTheLanguageAndTheMarinasTimeZone() throws {
        let catalogue = try Catalogue()
        let date = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15 08:00 UTC
        let zagreb = try #require(TimeZone(identifier: "Europe/Zagreb"))
        func until(_ language: String) -> String {
            catalogue.format(
                "mail.link.validUntil", language: language,
                ["expires": .text(Catalogue.dateTime(date, language: language, timeZone: zagreb))])
        }
        #expect(until("hr").contains("siječnja 2027"), "\(until("hr"))")
        #expect(until("hr").contains("09"), "the marina's time, not UTC: \(until("hr"))")
        #expect(until("el").contains("Ιανουαρίου"), "\(until("el"))")
        #expect(until("de").hasPrefix("Dieser Link ist gültig bis zum 15. Januar 2027"), "\(until("de"))")
        #expect(until("en").contains("January 15, 2027"), "\(until("en"))")
    }

    @Test func languageForAStoredTagOrAnyTag() throws {
        let catalogue = try Catalogue()
        #expect(catalogue.language(for: "de-AT") == "de")
        #expect(catalogue.language(for: "EL") == "el")
        #expect(catalogue.language(for: "sr-Latn-RS") == nil)
        #expect(catalogue.language(for: "de_AT") == nil)
        #expect(catalogue.language(for: nil) == nil)
    }

    // MARK: A marina's overrides

    private func folder(_ files: [String: String]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("catalogue-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8) }
        return directory
    }

    @Test func anOverrideReplacesAddsAndMayAddALanguage() throws {
        let directory = try folder([
            "de.json": #"{"login.title": "Willkommen an Bord", "marina.berth": "Ihr Liegeplatz {berth}"}"#,
            "en.json": #"{"marina.berth": "Your berth {berth}"}"#,
            "pl.json": #"{"login.title": "Zaloguj się"}"#,
            "README.txt": "not a catalogue",
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let catalogue = try Catalogue(overrideDirectory: directory)
        #expect(catalogue.format("login.title", language: "de") == "Willkommen an Bord")
        #expect(catalogue.format("login.submit", language: "de") == "Anmelden", "the rest stays shipped")
        #expect(catalogue.format("marina.berth", language: "de", ["berth": "B12"]) == "Ihr Liegeplatz B12")
        #expect(catalogue.format("marina.berth", language: "fr", ["berth": "B12"]) == "Your berth B12")
        #expect(catalogue.languages.contains("pl"))
        #expect(catalogue.format("login.title", language: "pl") == "Zaloguj się")
        #expect(
            catalogue.format("login.submit", language: "pl") == "Sign in", "an added language falls back to English")
    }

    @Test(arguments: [
        (
            ["de.json": #"{"mail.greeting": "Hallo {vorname},"}"#],
            "de.json: de: mail.greeting: placeholders {vorname} differ"
        ),
        (["de.json": #"{"login.title": "<b>Anmelden</b>"}"#], "de.json: de: login.title: HTML"),
        (["de.json": #"{"login.title": "{"}"#], "de.json: de: login.title:"),
        (["de.json": #"["Anmelden"]"#], "de.json is not a JSON object"),
        (["de.json": #"{"login.title": 1}"#], "de.json, key login.title: the value is not a string"),
        (["german.json": "{}"], "german.json: the name is not a language tag"),
        (["de.json": "{}", "DE.json": "{}"], "a second file for de"),
        (
            ["hr.json": #"{"duration.days": "{count, plural, one {# dan} other {# dana}}"}"#],
            "hr.json: hr: duration.days: the plural of {count} lacks the form(s) few"
        ),
    ])
    func aBrokenOverrideStopsTheStartNamingFileAndKey(files: [String: String], expected: String) throws {
        let directory = try folder(files)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = try #require(throws: ConfigError.self) { try Catalogue(overrideDirectory: directory) }
        #expect(error.message.contains(expected), "\(error.message)")
    }

    @Test func anUnreadableOverrideFolderIsNamed() {
        #expect(throws: ConfigError("the catalogue folder /nonexistent/locales cannot be read")) {
            try Catalogue(overrideDirectory: "/nonexistent/locales")
        }
    }
}

/// The message syntax: the ICU MessageFormat subset the catalogues use.
@Suite struct MessageFormatTests {
    @Test func apostrophesAreTextUnlessTheyQuoteBraces() throws {
        #expect(try MessageFormat("l'adresse {email}").format(["email": "a@b"], language: "fr") == "l'adresse a@b")
        #expect(try MessageFormat("it''s").format(language: "en") == "it's")
        #expect(try MessageFormat("'{name}' is literal").format(["name": "x"], language: "en") == "{name} is literal")
        #expect(try MessageFormat("wasn't").format(language: "en") == "wasn't")
        #expect(try MessageFormat("{n, plural, other {'#' is # }}").format(["n": 3], language: "en") == "# is 3 ")
        #expect(try MessageFormat("# outside a plural").format(language: "en") == "# outside a plural")
    }

    @Test func exactMatchesAndSelect() throws {
        let message = try MessageFormat("{n, plural, =0 {none} one {# item} other {# items}}")
        #expect(message.format(["n": 0], language: "en") == "none")
        #expect(message.format(["n": 1], language: "en") == "1 item")
        #expect(message.format(["n": 7], language: "en") == "7 items")
        let select = try MessageFormat(
            "{kind, select, reset {Reset} other {Set}} {n, plural, one {# time} other {# times}}")
        #expect(select.format(["kind": "reset", "n": 2], language: "en") == "Reset 2 times")
        #expect(select.format(["kind": "x", "n": 1], language: "en") == "Set 1 time")
        #expect(select.argumentNames == ["kind", "n"])
    }

    @Test(arguments: [
        "{", "}", "{}", "{ name", "{name, number}", "{n, plural, one {x}}", "{n, plural, one {x} one {y} other {z}}",
        "{n, plural other {x}}", "{n, plural, other {x}", "{n, plural, = {x} other {y}}",
        "{a, select, other {{b, select, other {{c, select, other {{d, select, other {{e, select, other {x}}}}}}}}}}",
    ])
    func malformedMessagesAreRefused(pattern: String) {
        #expect(throws: MessageFormat.SyntaxError.self) { try MessageFormat(pattern) }
    }

    @Test func anOverlongMessageIsRefused() {
        #expect(throws: MessageFormat.SyntaxError.self) { try MessageFormat(String(repeating: "a", count: 8193)) }
        #expect(throws: Never.self) { try MessageFormat(String(repeating: "a", count: 8192)) }
    }

    @Test func pluralCategoriesForWholeNumbers() {
        let croatian = [
            1: "one", 2: "few", 4: "few", 5: "other", 11: "other", 12: "other", 14: "other", 21: "one", 22: "few",
            101: "one", 111: "other", 112: "other", 0: "other",
        ]
        for (n, category) in croatian { #expect(PluralRules.category(of: n, language: "hr") == category, "hr \(n)") }
        #expect(PluralRules.category(of: 0, language: "fr") == "one")
        #expect(PluralRules.category(of: 1_000_000, language: "fr") == "many")
        #expect(PluralRules.category(of: 0, language: "es") == "other")
        #expect(PluralRules.category(of: 1, language: "de-AT") == "one")
        #expect(PluralRules.category(of: 0, language: "da") == "other")
        #expect(PluralRules.requiredCategories(language: "hr") == ["one", "few", "other"])
    }
}
