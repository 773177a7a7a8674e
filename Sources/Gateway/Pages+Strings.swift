import Foundation
import PortalCore

/// The catalogue's words as the page templates and scripts take them, built once at start.
///
/// A template reads each page message as `{{login_email}}` (the key with `_` for `.`), already
/// formatted: `{minLength}` and `{maxLength}` filled in, Mustache escaping the text. A script
/// reads its sentences from the page's JSON data block: its placeholders stay `{email}` for the
/// script to fill (with `textContent`, never as HTML); a plural on a number only the script knows
/// (`{seconds}`) comes as its forms, `{n}` for the number, chosen with `Intl.PluralRules`; and
/// `reasons` turns each English password-policy reason the API sends in `details` into the
/// page's language (the API keeps its English; the catalogue's English `password.*` messages are
/// exactly those sentences, which `PageStringsTests` checks).
struct PageStrings {
    /// One page as it is rendered: its template, script, title key and the messages its script uses.
    struct Page: Sendable {
        let name: String
        let template: String
        let script: String
        let titleKey: String
        /// Keys (or key prefixes ending in `.`) the script uses.
        let scriptKeys: [String]
        /// The set-password page's token type, heading and button.
        var kind: TokenType? = nil
        /// Whether the script shows the password policy's reasons.
        var reasons = false

        static let login = Page(
            name: "login", template: "login", script: "login.js", titleKey: "login.title",
            scriptKeys: ["login.error."])
        static let forgot = Page(
            name: "forgot-password", template: "forgot", script: "forgot.js", titleKey: "forgot.title",
            scriptKeys: ["forgot.error.", "forgot.sent"])
        static let home = Page(
            name: "home", template: "home", script: "home.js", titleKey: "home.title",
            scriptKeys: ["home.contact.", "home.changePassword.", "home.changeEmail."], reasons: true)
        static let confirmEmail = Page(
            name: "confirm-email", template: "confirm-email", script: "confirm-email.js", titleKey: "confirmEmail.title",
            scriptKeys: ["confirmEmail.", "link."])
        static let notFound = Page(
            name: "not-found", template: "not-found", script: "common.js", titleKey: "notFound.title", scriptKeys: [])
        static func setPassword(_ kind: TokenType) -> Page {
            let prefix = kind == .reset ? "reset" : "activate"
            return Page(
                name: kind == .reset ? "reset-password" : "activate", template: "set-password", script: "set-password.js",
                titleKey: "\(prefix).title", scriptKeys: ["link.", "setPassword.", "password.tooShort"],
                kind: kind, reasons: true)
        }
        /// Every page with a route of its own (the 404 page has none).
        static let all = [login, forgot, setPassword(.activation), setPassword(.reset), home, confirmEmail]
    }

    /// The API error codes a page shows as a sentence of its own (`error.<code>`): those that
    /// reach `portal.common` as a 4xx. A page answers the others in its own words (a wrong
    /// password, a refused policy, a dead link), 429 and 503 with `common.*`; a code not listed
    /// here is shown in the API's English message.
    static let errorCodes = [
        "forbidden_origin", "request_timeout", "payload_too_large", "unsupported_media_type", "invalid_request",
        "unauthenticated", "password_conflict", "invalid_token", "email_taken", "not_found", "method_not_allowed",
    ]
    /// The policy's reasons, as `PasswordPolicy` words them in English.
    static let reasonKeys = ["password.tooShort", "password.tooLong", "password.common", "password.repetitive", "password.sequential"]
    /// Every script's sentences, on each page.
    static let commonKeys = ["common."]

    let catalogue: Catalogue
    let minLength: Int
    /// The languages, in the order the switch lists them: the shipped ones, then any an override adds.
    let languages: [String]
    /// Every key a page may use (mail messages are the mailer's).
    private let pageKeys: [String]

    init(catalogue: Catalogue, minLength: Int) {
        self.catalogue = catalogue
        self.minLength = minLength
        languages =
            Catalogue.shippedLanguages.filter(catalogue.languages.contains)
            + catalogue.languages.subtracting(Catalogue.shippedLanguages).sorted()
        pageKeys = catalogue.keys(of: Catalogue.sourceLanguage)
            .filter { !$0.hasPrefix("mail.") && !$0.hasPrefix("duration.") }.sorted()
    }

    /// `key` in `language`, the policy's numbers filled in and every other placeholder kept as
    /// `{name}` for a script to fill.
    func text(_ key: String, _ language: String) -> String {
        var arguments: [String: MessageArgument] = [
            "minLength": .number(minLength), "maxLength": .number(PasswordPolicy.maximumLength),
        ]
        for name in catalogue.message(key, language: language)?.message.argumentNames ?? [] where arguments[name] == nil {
            arguments[name] = .text("{\(name)}")
        }
        return catalogue.format(key, language: language, arguments)
    }

    /// A plural on a number a script knows (`{seconds}`): the message per plural category of
    /// `language`, the number written `{n}`.
    func pluralForms(_ key: String, argument: String, _ language: String) -> [String: String] {
        var forms: [String: String] = [:]
        for n in 1...200 {
            let category = PluralRules.category(of: n, language: language)
            guard forms[category] == nil else { continue }
            let text = catalogue.format(key, language: language, [argument: .number(n)])
            forms[category] = text.replacingOccurrences(of: String(n), with: "{n}")
        }
        return forms
    }

    /// English policy reason → the same reason in `language`.
    func reasons(_ language: String) -> [String: String] {
        var reasons: [String: String] = [:]
        for key in Self.reasonKeys { reasons[text(key, Catalogue.sourceLanguage)] = text(key, language) }
        return reasons
    }

    /// The script's sentences of `page` in `language` as the JSON of the page's data block,
    /// safe inside `<script type="application/json">` (no `<`, `>` or `&` in it).
    func scriptJSON(_ page: Page, _ language: String) -> String {
        var texts: [String: String] = [:]
        let wanted = Self.commonKeys + page.scriptKeys
        for key in pageKeys where wanted.contains(where: { $0.hasSuffix(".") ? key.hasPrefix($0) : key == $0 }) {
            texts[key] = text(key, language)
        }
        for code in Self.errorCodes { texts["error.\(code)"] = text("error.\(code)", language) }
        var object: [String: Any] = [
            "lang": language, "t": texts,
            "plurals": ["common.tooManyAttempts": pluralForms("common.tooManyAttempts", argument: "seconds", language)],
        ]
        if page.reasons { object["reasons"] = reasons(language) }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
            .replacingOccurrences(of: "<", with: "\\u003c")
            .replacingOccurrences(of: ">", with: "\\u003e")
            .replacingOccurrences(of: "&", with: "\\u0026")
    }

    /// The template context of `page` in `language`.
    func context(_ page: Page, language: String) -> [String: Any] {
        var context: [String: Any] = [:]
        for key in pageKeys { context[key.replacingOccurrences(of: ".", with: "_")] = text(key, language) }
        if let kind = page.kind {
            let prefix = kind == .reset ? "reset" : "activate"
            context["kind"] = kind.rawValue
            context["heading"] = text("\(prefix).title", language)
            context["button"] = text("\(prefix).submit", language)
        }
        context["lang"] = language
        context["script"] = page.script
        context["minLength"] = minLength
        context["maxLength"] = PasswordPolicy.maximumLength
        context["pageTitle"] = catalogue.format(
            "layout.title", language: language, ["page": .text(text(page.titleKey, language))])
        context["strings"] = scriptJSON(page, language)
        context["languages"] = languages.map { tag -> [String: Any] in
            ["tag": tag, "name": text("language.name", tag), "current": tag == language]
        }
        return context
    }
}
