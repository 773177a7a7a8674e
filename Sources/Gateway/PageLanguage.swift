import Foundation
import HTTPTypes
import Hummingbird
import PortalCore

/// Which language a page speaks, decided here and nowhere else:
///
/// 1. the language chosen on the page in this browser (`?lang=` sets the `portal_lang` cookie);
/// 2. the signed-in user's own language (`locale` in the session's user JSON);
/// 3. the marina's default (`portLocale` there);
/// 4. the browser's `Accept-Language` (q-values; `de-AT` falls back to `de`);
/// 5. English.
///
/// Every candidate is a BCP 47 tag read by `LanguageTag`'s one rule and mapped to a catalogue
/// language (`de-AT` → `de`); one that is malformed or has no catalogue is passed over. The
/// cookie comes first because the switch sets it at every choice, after sign-in too (where the
/// page also stores the choice on the user): it is the newest word from this browser.
struct PageLanguage: Sendable {
    static let cookieName = "portal_lang"
    /// A year: the choice outlives sessions, as a language does.
    static let cookieMaxAge = 365 * 24 * 3600

    /// The catalogue's languages (normalised tags).
    let supported: Set<String>
    /// The language each `Accept-Language` value picks, remembered.
    let acceptLanguages = AcceptLanguageMemo()

    /// The language by the order above.
    func choose(cookie: String?, userLocale: String?, portLocale: String?, acceptLanguage: String?) -> String {
        for tag in [cookie, userLocale, portLocale] {
            if let language = supportedLanguage(tag) { return language }
        }
        if let acceptLanguage,
            let language = acceptLanguages.language(
                acceptLanguage, { AcceptLanguage.preferred($0, supported: supported) })
        {
            return language
        }
        return Catalogue.sourceLanguage
    }

    /// The catalogue language for `tag`, or nil when it is not a language tag or none fits.
    func supportedLanguage(_ tag: String?) -> String? {
        tag.flatMap { LanguageTag($0) }?.supported(in: supported)
    }

    /// The request's `portal_lang` cookie, as sent (validated by `choose`).
    static func cookie(of request: Request) -> String? {
        SessionCookie.value(named: cookieName, in: request)
    }

    /// The `Set-Cookie` value remembering `language` (a catalogue language) for the pages: not
    /// read by scripts, sent on every `/portal` page and with top-level links from mails.
    static func setCookie(_ language: String) -> String {
        "\(cookieName)=\(language); Path=/portal; Max-Age=\(cookieMaxAge); Secure; HttpOnly; SameSite=Lax"
    }

    /// The `Set-Cookie` value that forgets the choice (the user's or the marina's language again).
    static let clearingCookie = "\(cookieName)=; Path=/portal; Max-Age=0; Secure; HttpOnly; SameSite=Lax"

    /// The language fields of the session's user JSON (`session_check`): the user's own and the
    /// marina's default. Absent keys read as nil.
    struct UserLocales: Decodable {
        let locale: String?
        let portLocale: String?

        static func of(userJSON: String) -> UserLocales? {
            try? JSONDecoder().decode(UserLocales.self, from: Data(userJSON.utf8))
        }
    }
}

/// The language each `Accept-Language` value picks, remembered: browsers send a handful of
/// distinct values, and a look-up costs a fraction of reading one again (the localised page
/// then costs what the English one does). Bounded: values of up to `maximumHeaderBytes`, at most
/// `capacity` of them (a full memo starts again), so a client sending a new value each time
/// costs memory of neither kind.
final class AcceptLanguageMemo: @unchecked Sendable {
    static let capacity = 128
    static let maximumHeaderBytes = 256
    private let lock = NSLock()
    /// Header → language, "" for none.
    private var languages: [String: String] = [:]

    /// What `compute` says of `header`, remembered.
    func language(_ header: String, _ compute: (String) -> String?) -> String? {
        guard header.utf8.count <= Self.maximumHeaderBytes else { return compute(header) }
        lock.lock()
        let known = languages[header]
        lock.unlock()
        if let known { return known.isEmpty ? nil : known }
        let language = compute(header)
        lock.lock()
        if languages.count >= Self.capacity { languages.removeAll(keepingCapacity: true) }
        languages[header] = language ?? ""
        lock.unlock()
        return language
    }

    /// How many values are remembered (for tests).
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return languages.count
    }
}
