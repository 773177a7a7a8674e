import Foundation

/// The portal's words in every language it speaks: the shipped catalogues
/// (`Resources/locales/<language>.json`, ICU MessageFormat in flat JSON; see the README there)
/// and, optionally, a marina's own (`<folder>/<language>.json`), which replace or add messages
/// and may add a language. English is the source and the fallback: a key missing in a language
/// is said in English.
///
/// Everything is parsed and checked at start (`init` throws a `ConfigError` naming the file and
/// key), so a broken override stops the process instead of a page or mail.
public struct Catalogue: Sendable {
    /// The source language, and the fallback for every key.
    public static let sourceLanguage = "en"
    /// The languages shipped, in the order a language switch lists them.
    public static let shippedLanguages = ["en", "de", "fr", "es", "it", "nl", "hr", "el", "da", "sv"]

    /// language → key → message.
    private let messages: [String: [String: MessageFormat]]

    /// Every language with a catalogue (normalised tags): the shipped ten and any an override adds.
    public let languages: Set<String>

    /// The shipped catalogues, with the `.json` files in `overrideDirectory` laid over them.
    public init(overrideDirectory: String? = nil) throws {
        var sources = try Self.shippedSources()
        if let overrideDirectory {
            let overrides = try Self.overrideSources(in: overrideDirectory)
            let shippedEnglish = sources[Self.sourceLanguage] ?? [:]
            if let english = overrides[Self.sourceLanguage] {
                try Self.refuse(
                    Self.problems(
                        language: Self.sourceLanguage, messages: english, source: shippedEnglish, complete: false),
                    in: "\(overrideDirectory)/\(Self.sourceLanguage).json")
                sources[Self.sourceLanguage, default: [:]].merge(english) { _, new in new }
            }
            let english = sources[Self.sourceLanguage] ?? [:]
            for (language, messages) in overrides where language != Self.sourceLanguage {
                try Self.refuse(
                    Self.problems(language: language, messages: messages, source: english, complete: false),
                    in: "\(overrideDirectory)/\(language).json")
                sources[language, default: [:]].merge(messages) { _, new in new }
            }
        }
        try self.init(sources: sources)
    }

    /// Catalogues from their source text (language → key → message); every message must parse
    /// and English must be there.
    public init(sources: [String: [String: String]]) throws {
        guard sources[Self.sourceLanguage] != nil else {
            throw ConfigError("the \(Self.sourceLanguage) catalogue is missing")
        }
        var messages: [String: [String: MessageFormat]] = [:]
        for (language, texts) in sources {
            var parsed: [String: MessageFormat] = [:]
            for (key, text) in texts {
                do {
                    parsed[key] = try MessageFormat(text)
                } catch {
                    throw ConfigError("catalogue \(language), key \(key): \(error)")
                }
            }
            messages[language] = parsed
        }
        self.messages = messages
        self.languages = Set(messages.keys)
    }

    // MARK: Looking up

    /// The catalogue language for a stored locale or any tag (`de-AT` → `de`), or nil when the
    /// tag is malformed or no catalogue fits.
    public func language(for tag: String?) -> String? {
        tag.flatMap { LanguageTag($0) }?.supported(in: languages)
    }

    /// The message for `key` in `language` (a catalogue language, or any tag that maps to one),
    /// else in English, and the language it is in; nil when even English lacks the key.
    public func message(_ key: String, language: String?) -> (message: MessageFormat, language: String)? {
        let resolved = language.flatMap { messages[$0] != nil ? $0 : self.language(for: $0) }
        if let resolved, let message = messages[resolved]?[key] { return (message, resolved) }
        return messages[Self.sourceLanguage]?[key].map { ($0, Self.sourceLanguage) }
    }

    /// `key`'s message in `language` as plain text, its placeholders filled from `arguments`
    /// (numbers choose the plural form). An unknown key reads as the key itself.
    public func format(_ key: String, language: String?, _ arguments: [String: MessageArgument] = [:]) -> String {
        guard let found = message(key, language: language) else { return key }
        return found.message.format(arguments, language: found.language)
    }

    /// Like `format`, but each argument named in `keep` stays a piece of its own for the caller
    /// to render (an address as a `mailto:` link in an HTML mail; the text pieces are escaped by
    /// the caller too).
    public func pieces(
        _ key: String, language: String?, _ arguments: [String: MessageArgument] = [:], keep: Set<String>
    ) -> [MessagePiece] {
        guard let found = message(key, language: language) else { return [.text(key)] }
        return found.message.pieces(arguments, language: found.language, keep: keep)
    }

    /// A date and time as `language` writes it in a sentence, in `timeZone` (the marina's): what
    /// `{expires}` takes. "15. siječnja 2027. u 09:00", "January 15, 2027 at 9:00 AM".
    public static func dateTime(_ date: Date, language: String, timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language)
        formatter.timeZone = timeZone
        formatter.dateStyle = .long
        formatter.timeStyle = .short
        return formatter.string(from: date)
    }

    /// The keys of a language's own catalogue (without English fallbacks).
    public func keys(of language: String) -> Set<String> {
        Set(messages[language]?.keys.map { $0 } ?? [])
    }

    // MARK: Loading and checking

    /// The shipped catalogues' source text, language → key → message.
    public static func shippedSources() throws -> [String: [String: String]] {
        var sources: [String: [String: String]] = [:]
        for language in shippedLanguages {
            guard
                let url = Bundle.module.url(
                    forResource: language, withExtension: "json", subdirectory: "Resources/locales")
            else {
                throw ConfigError("the shipped catalogue \(language).json is missing")
            }
            sources[language] = try decode(try Data(contentsOf: url), file: "\(language).json")
        }
        return sources
    }

    /// A catalogue file: one JSON object whose values are all strings.
    public static func decode(_ data: Data, file: String) throws -> [String: String] {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ConfigError("catalogue \(file) is not a JSON object")
        }
        var messages: [String: String] = [:]
        for (key, value) in object {
            guard let text = value as? String else {
                throw ConfigError("catalogue \(file), key \(key): the value is not a string")
            }
            messages[key] = text
        }
        return messages
    }

    /// The `<language>.json` files of a marina's folder (other files are left alone); a `.json`
    /// file whose name is not a language tag is refused, so `DE_at.json` does not go unnoticed.
    static func overrideSources(in directory: String) throws -> [String: [String: String]] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw ConfigError("the catalogue folder \(directory) cannot be read")
        }
        var sources: [String: [String: String]] = [:]
        for name in names.sorted() where name.hasSuffix(".json") {
            guard let tag = LanguageTag(name.dropLast(".json".count)) else {
                throw ConfigError(
                    "catalogue \(directory)/\(name): the name is not a language tag (de.json, de-AT.json)")
            }
            guard sources[tag.description] == nil else {
                throw ConfigError("catalogue \(directory)/\(name): a second file for \(tag.description)")
            }
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(name)"))
            } catch {
                throw ConfigError("catalogue \(directory)/\(name) cannot be read")
            }
            sources[tag.description] = try decode(data, file: "\(directory)/\(name)")
        }
        return sources
    }

    /// What is wrong with `messages` (one language's) measured against `source` (English's), one
    /// line per problem, each naming the language and key:
    /// - a message that does not parse, or is empty;
    /// - placeholders that differ from English's by name;
    /// - a plural without a form the language needs (`few` in Croatian);
    /// - HTML: a `<…>` tag or an `&…;` entity (messages are text; templates escape);
    /// - when `complete`, a key English has and this language lacks, or the reverse.
    public static func problems(language: String, messages: [String: String], source: [String: String], complete: Bool)
        -> [String]
    {
        var problems: [String] = []
        if complete {
            for key in source.keys.sorted() where messages[key] == nil {
                problems.append("\(language): \(key): missing (English has it)")
            }
            for key in messages.keys.sorted() where source[key] == nil {
                problems.append("\(language): \(key): not in English")
            }
        }
        let required = PluralRules.requiredCategories(language: language)
        for key in messages.keys.sorted() {
            let text = messages[key]!
            if text.allSatisfy(\.isWhitespace) {
                problems.append("\(language): \(key): empty")
                continue
            }
            let message: MessageFormat
            do {
                message = try MessageFormat(text)
            } catch {
                problems.append("\(language): \(key): \(error)")
                continue
            }
            if let english = source[key].flatMap({ try? MessageFormat($0) }),
                english.argumentNames != message.argumentNames
            {
                problems.append(
                    "\(language): \(key): placeholders \(Self.list(message.argumentNames)) differ from English's \(Self.list(english.argumentNames))"
                )
            }
            for plural in message.plurals {
                let lacking = required.subtracting(plural.selectors)
                if !lacking.isEmpty {
                    problems.append(
                        "\(language): \(key): the plural of {\(plural.argument)} lacks the form(s) \(lacking.sorted().joined(separator: ", "))"
                    )
                }
            }
            if let markup = Self.markup(in: text) {
                problems.append("\(language): \(key): HTML (\(markup)) in a text message")
            }
        }
        return problems
    }

    /// The first `<…>` tag or `&name;` / `&#…;` entity in `text`, if any.
    static func markup(in text: String) -> String? {
        for pattern in [#"<[^<>]*>"#, #"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);"#] {
            if let range = text.range(of: pattern, options: .regularExpression) { return String(text[range]) }
        }
        return nil
    }

    private static func list(_ names: Set<String>) -> String {
        "{" + names.sorted().joined(separator: ", ") + "}"
    }

    private static func refuse(_ problems: [String], in file: String) throws {
        guard !problems.isEmpty else { return }
        let shown =
            problems.prefix(5).joined(separator: "; ") + (problems.count > 5 ? "; and \(problems.count - 5) more" : "")
        throw ConfigError("catalogue \(file): \(shown)")
    }
}
