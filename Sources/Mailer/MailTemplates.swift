import Foundation
import Mustache
import PortalCore

/// The mail templates (swift-mustache), one subject, text and HTML template per kind:
/// `<kind>.subject.mustache`, `<kind>.text.mustache`, `<kind>.html.mustache`. The shipped ones
/// live in `Sources/Mailer/Templates`; a file of the same name in `MAIL_TEMPLATES_DIR`
/// overrides one. HTML templates escape every value; text templates declare
/// `{{% CONTENT_TYPE: TEXT}}`.
///
/// The templates are structure only: every sentence is a catalogue message (`mail.*` in
/// PortalCore's `Resources/locales/<language>.json`, with a marina's `MAIL_LOCALES_DIR` laid over
/// them), written in the language `claim_mail` resolved for the mail and named by its key:
/// `{{mail.reset.intro}}`. The variants of a sentence are chosen here, so a template names only
/// the sentence: `.noClient` when the mail has no client name, `.generic` when no marina name,
/// `.noName` when no person's name (`mail.activation.created` is one of the four
/// `mail.activation.created[.noClient][.generic]`). `mail.questions` is the contact line (phone
/// and/or address; absent without either), `questionsHTML` the same with the address as a
/// `mailto:` link, already escaped (`{{{questionsHTML}}}`). `lang` is the language written.
public struct MailTemplates: Sendable {
    static let parts = ["subject", "text", "html"]
    /// The last subtags that name a variant of a sentence rather than a sentence.
    static let variants = ["noClient", "generic", "noName"]

    private let templates: [String: MustacheTemplate]
    /// The words of every mail, in every language.
    public let catalogue: Catalogue
    /// Per catalogue language, kind and what the mail lacks (`Variant`), the sentences a mail is
    /// rendered with: the shared ones and its kind's, each with its variant chosen and, when it
    /// has no placeholder, already written. Worked out once: a mail only fills in placeholders.
    private let plans: [PlanKey: [Sentence]]
    private let clock = ExpiryClock()

    struct PlanKey: Hashable, Sendable {
        let language: String
        let kind: MailKind
        let variant: Variant
    }

    /// What a mail lacks, which chooses a sentence's variant.
    struct Variant: Hashable, Sendable {
        let noClient: Bool
        let generic: Bool
        let noName: Bool
    }

    /// One sentence of a plan: where it goes in `mail` (`["activation", "intro"]`), and its text
    /// or its message to fill in.
    struct Sentence: Sendable {
        let path: [String]
        let text: String?
        let message: MessageFormat
        let language: String
    }

    /// Loads and parses every template now, so a broken override stops the mailer at start; the
    /// catalogue is checked when it is loaded (`Catalogue(overrideDirectory:)`).
    public init(overrideDirectory: String? = nil, catalogue: Catalogue? = nil) throws {
        var templates: [String: MustacheTemplate] = [:]
        for kind in MailKind.allCases {
            for part in Self.parts {
                let name = "\(kind.rawValue).\(part)"
                let source: String
                if let overrideDirectory,
                   let text = try? String(contentsOfFile: "\(overrideDirectory)/\(name).mustache", encoding: .utf8) {
                    source = text
                } else {
                    guard let url = Bundle.module.url(forResource: name, withExtension: "mustache", subdirectory: "Templates") else {
                        throw ConfigError("mail template \(name).mustache is missing")
                    }
                    source = try String(contentsOf: url, encoding: .utf8)
                }
                do {
                    templates[name] = try MustacheTemplate(string: source)
                } catch {
                    throw ConfigError("mail template \(name).mustache does not parse")
                }
            }
        }
        self.templates = templates
        let catalogue = try catalogue ?? Catalogue()
        self.catalogue = catalogue
        let segments = Dictionary(uniqueKeysWithValues: MailKind.allCases.map { ($0, Self.segment($0)) })
        var plans: [PlanKey: [Sentence]] = [:]
        for language in catalogue.languages {
            let keys = catalogue.keys(of: Catalogue.sourceLanguage).union(catalogue.keys(of: language))
                .filter { $0.hasPrefix("mail.") }
            let bases = Set(keys.map(Self.sentence)).filter { !$0.hasPrefix("mail.questions.") }
            for kind in MailKind.allCases {
                let sentences = bases.filter { key in
                    let second = key.split(separator: ".").dropFirst().first.map(String.init) ?? ""
                    return second == segments[kind] || !segments.values.contains(second)
                }.sorted()
                for noClient in [false, true] {
                    for generic in [false, true] {
                        for noName in [false, true] {
                            let variant = Variant(noClient: noClient, generic: generic, noName: noName)
                            plans[PlanKey(language: language, kind: kind, variant: variant)] = sentences.compactMap { sentence in
                                var key = sentence
                                if noClient, keys.contains(key + ".noClient") { key += ".noClient" }
                                if generic, keys.contains(key + ".generic") { key += ".generic" }
                                if noName, keys.contains(key + ".noName") { key += ".noName" }
                                guard let found = catalogue.message(key, language: language) else { return nil }
                                let fixed = found.message.argumentNames.isEmpty
                                return Sentence(
                                    path: sentence.split(separator: ".").dropFirst().map(String.init),
                                    text: fixed ? found.message.format(language: found.language) : nil,
                                    message: found.message, language: found.language)
                            }
                        }
                    }
                }
            }
        }
        self.plans = plans
    }

    /// The catalogue's name of a kind's sentences: `password_changed` → `passwordChanged`.
    static func segment(_ kind: MailKind) -> String {
        let words = kind.rawValue.split(separator: "_")
        return words.enumerated().map { $0 == 0 ? String($1) : $1.prefix(1).uppercased() + $1.dropFirst() }.joined()
    }

    /// A key without its variants: `mail.activation.created.noClient.generic` → `mail.activation.created`.
    static func sentence(_ key: String) -> String {
        var parts = key.split(separator: ".").map(String.init)
        while let last = parts.last, variants.contains(last), parts.count > 2 { parts.removeLast() }
        return parts.joined(separator: ".")
    }

    /// The catalogue language a mail is written in (its `Content-Language`): the nearest catalogue
    /// to the language `claim_mail` resolved (`de-AT` → `de`), else English.
    public func language(of mail: ClaimedMail) -> String {
        catalogue.language(for: mail.language) ?? Catalogue.sourceLanguage
    }

    /// The rendered subject (one line), text and HTML of a mail. A context from
    /// `context(for:baseURL:link:now:)` is completed with the mail's sentences in its language.
    public func render(kind: MailKind, context: [String: Any]) throws -> (subject: String, text: String, html: String) {
        guard let subject = templates["\(kind.rawValue).subject"], let text = templates["\(kind.rawValue).text"],
              let html = templates["\(kind.rawValue).html"]
        else { throw ConfigError("no templates for mail kind \(kind.rawValue)") }
        var context = context
        if let mail = context[Self.mailKey] as? ClaimedMail {
            localize(&context, mail: mail, kind: kind, now: context[Self.nowKey] as? Date ?? Date())
        }
        let line = subject.render(context).split(whereSeparator: \.isNewline).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        return (line, text.render(context), html.render(context))
    }

    private static let mailKey = "_claimedMail"
    private static let nowKey = "_now"

    /// Adds `lang`, `expiresIn`, `expires`, the `mail` sentences and the contact line.
    private func localize(_ context: inout [String: Any], mail: ClaimedMail, kind: MailKind, now: Date) {
        let language = language(of: mail)
        var arguments: [String: MessageArgument] = ["email": .text(mail.recipient)]
        if let name = mail.name { arguments["name"] = .text(name) }
        if let portName = mail.portName { arguments["portName"] = .text(portName) }
        if let clientName = mail.clientName { arguments["clientName"] = .text(clientName) }
        if let newEmail = mail.newEmail { arguments["newEmail"] = .text(newEmail) }
        if let expires = mail.tokenExpiresAt {
            let (unit, count) = Self.expiry(secondsLeft: expires - Int(now.timeIntervalSince1970))
            let duration = catalogue.format("duration.\(unit)", language: language, ["count": .number(count)])
            let date = clock.dateTime(
                Date(timeIntervalSince1970: TimeInterval(expires)), language: language, timeZone: mail.timeZone)
            arguments["duration"] = .text(duration)
            arguments["expires"] = .text(date)
            context["expiresIn"] = duration
            context["expires"] = date
        }
        let variant = Variant(noClient: mail.clientName == nil, generic: mail.portName == nil, noName: mail.name == nil)
        var tree: [String: Any] = [:]
        for sentence in plans[PlanKey(language: language, kind: kind, variant: variant)] ?? [] {
            Self.insert(
                sentence.text ?? sentence.message.format(arguments, language: sentence.language), at: sentence.path[...], into: &tree)
        }
        if let questions = questions(mail, language: language) {
            tree["questions"] = questions.text
            context["questionsHTML"] = questions.html
        }
        context["mail"] = tree
        context["lang"] = language
    }

    /// `mail.questions.*` for the marina's contact: text, and HTML with the address a `mailto:`
    /// link (every other piece escaped); nil when the marina gave neither phone nor address.
    private func questions(_ mail: ClaimedMail, language: String) -> (text: String, html: String)? {
        let key: String
        switch (mail.supportPhone, mail.replyTo) {
        case (.some, .some): key = "mail.questions.phoneAndEmail"
        case (.some, nil): key = "mail.questions.phone"
        case (nil, .some): key = "mail.questions.email"
        case (nil, nil): return nil
        }
        var arguments: [String: MessageArgument] = [:]
        if let phone = mail.supportPhone { arguments["phone"] = .text(phone) }
        if let replyTo = mail.replyTo { arguments["email"] = .text(replyTo) }
        let text = catalogue.format(key, language: language, arguments)
        let html = catalogue.pieces(key, language: language, arguments, keep: ["email"]).map { piece in
            switch piece {
            case .text(let text): Self.escapeHTML(text)
            case .argument: "<a href=\"\(Self.escapeHTML(Self.mailto(mail.replyTo ?? "")))\">\(Self.escapeHTML(mail.replyTo ?? ""))</a>"
            }
        }.joined()
        return (text, html)
    }

    /// Puts `value` at the dotted `path` of a nested dictionary (what `{{mail.reset.intro}}` reads);
    /// a path through a sentence (a key that is also a prefix) is left out.
    private static func insert(_ value: String, at path: ArraySlice<String>, into tree: inout [String: Any]) {
        guard let head = path.first else { return }
        if path.count == 1 {
            if tree[head] == nil { tree[head] = value }
            return
        }
        var child = tree[head] as? [String: Any] ?? [:]
        guard tree[head] == nil || tree[head] is [String: Any] else { return }
        insert(value, at: path.dropFirst(), into: &child)
        tree[head] = child
    }

    static func escapeHTML(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// The values every template receives (README "Mail templates"):
    /// `name` (the user's, or "there"), `email`, `baseURL`, `portName` (the marina, or "the client
    /// portal" wording when unknown: test with `{{#portName}}`), `clientName`, `replyTo`,
    /// `supportPhone` (each only when set), `newEmail` (an email change's new address), and for link
    /// mails `link`, `expiresIn` ("72 hours", in the mail's language) and `expires` (the date and
    /// time in the language and the marina's time zone); `render` adds `lang`, the `mail` sentences
    /// and `questionsHTML` (see the type's comment).
    public static func context(for mail: ClaimedMail, baseURL: String, link: String?, now: Date = Date()) -> [String: Any] {
        var context: [String: Any] = ["name": mail.name ?? "there", "email": mail.recipient, "baseURL": baseURL]
        if let portName = mail.portName { context["portName"] = portName }
        if let clientName = mail.clientName { context["clientName"] = clientName }
        if let replyTo = mail.replyTo {
            context["replyTo"] = replyTo
            context["replyToMailto"] = mailto(replyTo)
        }
        if let supportPhone = mail.supportPhone { context["supportPhone"] = supportPhone }
        if let newEmail = mail.newEmail { context["newEmail"] = newEmail }
        if let link { context["link"] = link }
        if let expires = mail.tokenExpiresAt {
            context["expiresIn"] = expiryInWords(secondsLeft: expires - Int(now.timeIntervalSince1970))
        }
        context[mailKey] = mail
        context[nowKey] = now
        return context
    }

    /// `mailto:` and the address percent-encoded (RFC 6068) but for letters, digits, `-._~` and
    /// the `@`: whatever the address holds, the link opens a message to that one address (a `?`,
    /// `%` or `&` cannot add a header or another recipient).
    public static func mailto(_ address: String) -> String {
        var out = "mailto:"
        for byte in address.utf8 {
            let scalar = Unicode.Scalar(byte)
            if byte < 0x80, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-._~@".unicodeScalars.contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// "72 hours", "1 hour", "30 minutes", "3 days": how long from `now` until `expiresAt`, in
    /// English (`duration.*` says it in the mail's language).
    public static func expiryInWords(secondsLeft: Int) -> String {
        let (unit, count) = expiry(secondsLeft: secondsLeft)
        return "\(count) \(count == 1 ? String(unit.dropLast()) : unit)"
    }

    /// The unit (`minutes`, `hours`, `days`: the `duration.*` key) and the count of a link's
    /// remaining life: minutes below 90 minutes, hours up to 72, days beyond.
    static func expiry(secondsLeft: Int) -> (unit: String, count: Int) {
        let minutes = max(1, Int((Double(secondsLeft) / 60).rounded()))
        if minutes < 90 { return ("minutes", minutes) }
        let hours = Int((Double(minutes) / 60).rounded())
        if hours <= 72 { return ("hours", hours) }
        return ("days", Int((Double(hours) / 24).rounded()))
    }
}

/// A link's expiry as the mail's language writes a date and time (`Catalogue.dateTime`), in the
/// marina's time zone, with the zone's name as the language abbreviates it: "15. Januar 2027 um
/// 09:00 MEZ". The formatters (ICU objects, costly to make) are made once per language and zone.
final class ExpiryClock: @unchecked Sendable {
    private let lock = NSLock()
    private var formatters: [String: DateFormatter] = [:]

    func dateTime(_ date: Date, language: String, timeZone: String) -> String {
        let zone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        let key = language + " " + zone.identifier
        lock.lock()
        defer { lock.unlock() }
        let formatter: DateFormatter
        if let cached = formatters[key] {
            formatter = cached
        } else {
            // Catalogue.dateTime's pattern (long date, short time) with the zone's name after it.
            formatter = DateFormatter()
            formatter.locale = Locale(identifier: language)
            formatter.timeZone = zone
            formatter.dateStyle = .long
            formatter.timeStyle = .short
            formatter.dateFormat = formatter.dateFormat + " z"
            if formatters.count < 1000 { formatters[key] = formatter }
        }
        return formatter.string(from: date)
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
