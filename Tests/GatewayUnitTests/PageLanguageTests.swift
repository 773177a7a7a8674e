import Foundation
@testable import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PortalCore
import Testing

/// Which language a page speaks: the choice's order, and what the pages make of it.
@Suite struct PageLanguageTests {
    static let language = PageLanguage(supported: Set(Catalogue.shippedLanguages))

    @Test func theCookieComesFirstThenTheUserThenTheMarinaThenTheBrowserThenEnglish() {
        let choose = Self.language.choose
        #expect(choose("fr", "el", "de", "hr") == "fr")
        #expect(choose(nil, "el", "de", "hr") == "el")
        #expect(choose(nil, nil, "de", "hr") == "de")
        #expect(choose(nil, nil, nil, "hr") == "hr")
        #expect(choose(nil, nil, nil, nil) == "en")
        #expect(choose(nil, nil, nil, "pt-BR, ja;q=0.5") == "en", "nothing the browser names is spoken")
    }

    @Test func aTagThatIsMalformedOrHasNoCatalogueIsPassedOver() {
        let choose = Self.language.choose
        for cookie in ["de_AT", "x-klingon", "<script>", "", "de-AT-1996", "deu-DE-Latn", "pt"] {
            #expect(choose(cookie, nil, "it", nil) == "it", "cookie \(cookie)")
        }
        #expect(choose(nil, "pt-BR", "nl", nil) == "nl", "a user's language without a catalogue")
        #expect(choose(nil, "zz", "qq", "da") == "da")
    }

    @Test func regionsAndCaseFallBackToTheLanguage() {
        let choose = Self.language.choose
        #expect(choose("DE-at", nil, nil, nil) == "de")
        #expect(choose(nil, "el-GR", nil, nil) == "el")
        #expect(choose(nil, nil, "hr-HR", nil) == "hr")
        #expect(choose(nil, nil, nil, "de-AT,de;q=0.9") == "de")
        #expect(choose(nil, nil, nil, "sv;q=0.2, da;q=0.8, en;q=0.5") == "da", "q-values rank")
        #expect(choose(nil, nil, nil, "el;q=0, fr-CA;q=0.1") == "fr")
    }

    @Test func theRememberedAcceptLanguageAnswersAsReadingItAgainWouldAndStaysBounded() {
        let language = PageLanguage(supported: Set(Catalogue.shippedLanguages))
        let headers = ["de-AT,de;q=0.9", "el;q=0, fr-CA;q=0.1", "pt-BR", "sv;q=0.2, da;q=0.8", "*", ""]
        for _ in 0..<2 {
            for header in headers {
                #expect(
                    language.choose(cookie: nil, userLocale: nil, portLocale: nil, acceptLanguage: header)
                        == (AcceptLanguage.preferred(header, supported: language.supported) ?? "en"), "\(header)")
            }
        }
        for i in 0..<(3 * AcceptLanguageMemo.capacity) {
            _ = language.choose(cookie: nil, userLocale: nil, portLocale: nil, acceptLanguage: "x\(i), hr;q=0.5")
        }
        #expect(language.acceptLanguages.count <= AcceptLanguageMemo.capacity)
        #expect(language.choose(cookie: nil, userLocale: nil, portLocale: nil, acceptLanguage: "x1, hr;q=0.5") == "hr")
        let long = String(repeating: "zz-ZZ;q=0.1, ", count: 20) + "nl"
        #expect(language.choose(cookie: nil, userLocale: nil, portLocale: nil, acceptLanguage: long) == "nl")
        #expect(language.acceptLanguages.count <= AcceptLanguageMemo.capacity)
    }

    @Test func theCookieIsLongLivedLaxAndLimitedToThePages() {
        let cookie = PageLanguage.setCookie("el")
        #expect(cookie.hasPrefix("portal_lang=el; "))
        #expect(cookie.contains("; Path=/portal;"))
        #expect(cookie.contains("; SameSite=Lax"))
        #expect(cookie.contains("; Max-Age=\(365 * 24 * 3600);"))
    }

    @Test func theSessionUserJSONGivesTheUsersAndTheMarinasLanguage() throws {
        let both = try #require(PageLanguage.UserLocales.of(userJSON: #"{"id": "u1", "locale": "el", "portLocale": "de"}"#))
        #expect(both.locale == "el" && both.portLocale == "de")
        let neither = try #require(PageLanguage.UserLocales.of(userJSON: #"{"id": "u1", "name": null}"#))
        #expect(neither.locale == nil && neither.portLocale == nil)
    }

    // MARK: The strings a page carries

    static func strings() throws -> PageStrings {
        PageStrings(catalogue: try Catalogue(), minLength: 12)
    }

    /// The pages turn the API's English policy reasons into their language by the sentence: every
    /// reason `PasswordPolicy` gives must be a key of that table, in every language.
    @Test func everyReasonThePolicyGivesIsTranslatedInEveryLanguage() throws {
        let strings = try Self.strings()
        let policy = try PasswordPolicy.shipped(minimumLength: 12)
        let samples = ["short", String(repeating: "x", count: 129), "password1234", "abababababababab", "abcdefghijklmnop"]
        var seen = Set<String>()
        for sample in samples { seen.formUnion(policy.violations(of: sample)) }
        #expect(seen.count == 5, "each rule broken once: \(seen)")
        for language in Catalogue.shippedLanguages {
            let reasons = strings.reasons(language)
            for reason in seen {
                let translated = try #require(reasons[reason], "\(language) lacks \(reason)")
                if language != "en" { #expect(translated != reason, "\(language): \(reason)") }
            }
        }
        #expect(strings.reasons("de")["Use at least 12 characters."] == "Verwenden Sie mindestens 12 Zeichen.")
    }

    @Test func aPluralTheScriptCountsComesAsItsFormsPerLanguage() throws {
        let strings = try Self.strings()
        let croatian = strings.pluralForms("common.tooManyAttempts", argument: "seconds", "hr")
        #expect(Set(croatian.keys) == ["one", "few", "other"])
        #expect(croatian["few"]?.contains("{n} sekunde") == true)
        #expect(croatian["other"]?.contains("{n} sekundi") == true)
        let german = strings.pluralForms("common.tooManyAttempts", argument: "seconds", "de")
        #expect(german["one"]?.contains("{n} Sekunde ") == true)
        #expect(german["other"]?.contains("{n} Sekunden") == true)
    }

    @Test func theDataBlockCannotEndItsScriptElement() throws {
        let strings = try Self.strings()
        for language in Catalogue.shippedLanguages {
            for page in PageStrings.Page.all {
                let json = strings.scriptJSON(page, language)
                #expect(!json.contains("<") && !json.contains(">") && !json.contains("&"))
                let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
                #expect(object["lang"] as? String == language)
                let texts = try #require(object["t"] as? [String: String])
                #expect(texts["common.unreachable"] != nil && texts["error.invalid_token"] != nil)
                for code in PageStrings.errorCodes {
                    let sentence = try #require(texts["error.\(code)"])
                    #expect(sentence != "error.\(code)", "\(language): the catalogue has no sentence for \(code)")
                }
            }
        }
    }

    // MARK: Through the router

    static func get(_ client: any TestClientProtocol, _ path: String, _ headers: HTTPFields = [:]) async throws -> (TestResponse, String) {
        let response = try await client.execute(uri: path, method: .get, headers: headers)
        return (response, String(buffer: response.body))
    }

    @Test func anAustrianBrowserGetsTheSignInPageInGerman() async throws {
        try await GatewayRouterTests.withRouter(InMemoryGatewayStore(adminKey: GatewayRouterTests.adminKey)) { client in
            let (response, html) = try await Self.get(client, "/portal/login", [.acceptLanguage: "de-AT,de;q=0.9"])
            #expect(response.status == .ok)
            #expect(html.contains(#"<html lang="de">"#))
            #expect(response.headers[.contentLanguage] == "de")
            #expect(html.contains("<h1>Anmelden</h1>"))
            #expect(html.contains(">E-Mail-Adresse</label>"))
            #expect(html.contains(">Passwort vergessen?</a>"))
            #expect(html.contains("<title>Anmelden · Kundenportal</title>"))
            for english in ["Email address", "Forgot password?", "Keep me signed in", ">Password<"] {
                #expect(!html.contains(english), "\(english) left in English")
            }
            #expect(response.headers[.contentSecurityPolicy] == PagesController.contentSecurityPolicy)
            #expect(response.headers[values: .setCookie].isEmpty, "the browser's header sets no cookie")

            let (plain, english) = try await Self.get(client, "/portal/login")
            #expect(plain.headers[.contentLanguage] == "en")
            #expect(english.contains(#"<html lang="en">"#) && english.contains("<h1>Sign in</h1>"))
        }
    }

    @Test func theSwitchSetsTheCookieAndTheCookieOutranksTheBrowser() async throws {
        try await GatewayRouterTests.withRouter(InMemoryGatewayStore(adminKey: GatewayRouterTests.adminKey)) { client in
            let (switched, greek) = try await Self.get(client, "/portal/forgot-password?lang=el", [.acceptLanguage: "de"])
            #expect(greek.contains(#"<html lang="el">"#))
            #expect(switched.headers[.contentLanguage] == "el")
            let setCookie = try #require(switched.headers[.setCookie])
            #expect(setCookie.hasPrefix("portal_lang=el;") && setCookie.contains("SameSite=Lax") && setCookie.contains("Path=/portal"))

            let (kept, french) = try await Self.get(client, "/portal/activate", [.acceptLanguage: "de", .cookie: "portal_lang=fr"])
            #expect(kept.headers[.contentLanguage] == "fr")
            #expect(french.contains("<h1>Définir votre mot de passe</h1>"))

            let (forged, _) = try await Self.get(client, "/portal/activate", [.acceptLanguage: "de", .cookie: "portal_lang=\"><script>"])
            #expect(forged.headers[.contentLanguage] == "de", "a cookie that is no language tag is passed over")
            let (unknown, _) = try await Self.get(client, "/portal/login?lang=xx-Klingon", [.acceptLanguage: "nl"])
            #expect(unknown.headers[.contentLanguage] == "nl")
            #expect(unknown.headers[values: .setCookie].isEmpty, "no cookie for a language not spoken")
        }
    }

    @Test func everyPageSpeaksTheLanguageAndListsEveryOther() async throws {
        try await GatewayRouterTests.withRouter(InMemoryGatewayStore(adminKey: GatewayRouterTests.adminKey)) { client in
            let pages = ["/portal/login": "Σύνδεση", "/portal/forgot-password": "Ξεχάσατε", "/portal/activate": "Ορίστε τον κωδικό πρόσβασής σας",
                         "/portal/reset-password": "<h1>", "/portal": "<h1>", "/portal/confirm-email": "<h1>", "/portal/no-such-page": "Η σελίδα δεν βρέθηκε"]
            for (path, text) in pages {
                let (response, html) = try await Self.get(client, path, [.acceptLanguage: "el", .accept: "text/html"])
                #expect(html.contains(#"<html lang="el">"#), "\(path)")
                #expect(html.contains(text), "\(path)")
                #expect(response.headers[.contentLanguage] == "el", "\(path)")
                for tag in Catalogue.shippedLanguages {
                    #expect(html.contains(#"href="?lang=\#(tag)""#), "\(path) links \(tag)")
                }
                #expect(html.contains(#"aria-current="true">Ελληνικά</a>"#), "\(path)")
                #expect(html.contains(#"<script id="portal-strings" type="application/json">{"#), "\(path)")
            }
            let (missing, _) = try await Self.get(client, "/portal/no-such-page", [.acceptLanguage: "el", .accept: "text/html"])
            #expect(missing.status == .notFound)
            let head = try await client.execute(uri: "/portal/login", method: .head, headers: [.acceptLanguage: "hr"])
            #expect(head.headers[.contentLanguage] == "hr")
            #expect(head.body.readableBytes == 0)
        }
    }

    static func put(_ client: any TestClientProtocol, _ body: String, cookie: String?) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json", .origin: GatewayRouterTests.origin]
        if let cookie { headers[.cookie] = cookie }
        return try await client.execute(uri: "/api/portal/auth/locale", method: .put, headers: headers, body: ByteBuffer(string: body))
    }

    /// The signed-in user's `locale`, as `/me` reads it from the store.
    static func storedLocale(_ client: any TestClientProtocol, _ session: String) async throws -> String? {
        let me = try await client.execute(uri: "/api/portal/auth/me", method: .get, headers: [.cookie: session])
        return (GatewayRouterTests.json(me.body)["user"] as? [String: Any])?["locale"] as? String
    }

    @Test(arguments: StoreKind.available) func aSignedInClientsChoiceIsStoredAndSpeaksTheirPages(_ kind: StoreKind) async throws {
        let fixture = try kind.fixture()
        let email = fixture.uniqueEmail("ann")
        _ = try await fixture.addUser(email: email, password: GatewayRouterTests.password)
        try await GatewayRouterTests.withRouter(fixture) { client in
            let signIn = try await GatewayRouterTests.post(
                client, "/api/portal/auth/sign-in", #"{"email": "\#(email)", "password": "\#(GatewayRouterTests.password)"}"#)
            let session = try #require(GatewayRouterTests.cookie(of: signIn))
            let (before, _) = try await Self.get(client, "/portal", [.cookie: session, .acceptLanguage: "de"])
            #expect(before.headers[.contentLanguage] == "de", "no choice yet: the browser's")

            let set = try await Self.put(client, #"{"locale": "EL-gr"}"#, cookie: session)
            #expect(set.status == .ok)
            #expect((GatewayRouterTests.json(set.body)["user"] as? [String: Any])?["locale"] as? String == "el-GR")
            #expect(set.headers[.setCookie]?.hasPrefix("portal_lang=el;") == true, "the page cookie follows the choice")
            #expect(try await Self.storedLocale(client, session) == "el-GR")

            let (home, html) = try await Self.get(client, "/portal", [.cookie: session, .acceptLanguage: "de"])
            #expect(home.headers[.contentLanguage] == "el", "the user's language outranks the browser's")
            #expect(html.contains(#"<html lang="el">"#))
            let (reset, _) = try await Self.get(client, "/portal/reset-password", [.cookie: "\(session); portal_lang=fr", .acceptLanguage: "de"])
            #expect(reset.headers[.contentLanguage] == "fr", "the browser's own choice outranks the stored one")

            let cleared = try await Self.put(client, #"{"locale": null}"#, cookie: session)
            #expect(cleared.status == .ok)
            #expect(cleared.headers[.setCookie]?.hasPrefix("portal_lang=; Path=/portal; Max-Age=0") == true)
            #expect(try await Self.storedLocale(client, session) == nil)
            let (after, _) = try await Self.get(client, "/portal", [.cookie: session, .acceptLanguage: "de"])
            #expect(after.headers[.contentLanguage] == "de")
        }
    }

    @Test(arguments: StoreKind.available) func settingTheLanguageNeedsASessionAndATag(_ kind: StoreKind) async throws {
        let fixture = try kind.fixture()
        let email = fixture.uniqueEmail("ann")
        _ = try await fixture.addUser(email: email, password: GatewayRouterTests.password)
        try await GatewayRouterTests.withRouter(fixture) { client in
            #expect(try await Self.put(client, #"{"locale": "fr"}"#, cookie: nil).status == .unauthorized)
            let signIn = try await GatewayRouterTests.post(
                client, "/api/portal/auth/sign-in", #"{"email": "\#(email)", "password": "\#(GatewayRouterTests.password)"}"#)
            let session = try #require(GatewayRouterTests.cookie(of: signIn))
            for body in [#"{}"#, #"{"locale": "de_AT"}"#, #"{"locale": "x-klingon"}"#, #"{"locale": 7}"#,
                         #"{"locale": "de", "lang": "fr"}"#, #"{"locale": "\#(String(repeating: "a", count: 5000))"}"#] {
                let refused = try await Self.put(client, body, cookie: session)
                #expect(refused.status == .badRequest, "\(body.prefix(40))")
                #expect((GatewayRouterTests.json(refused.body)["error"] as? [String: Any])?["code"] as? String == "invalid_request")
            }
            #expect(try await Self.storedLocale(client, session) == nil, "a refused tag changes nothing")
            let unspoken = try await Self.put(client, #"{"locale": "pt-BR"}"#, cookie: session)
            #expect(unspoken.status == .ok, "any tag of the rule is stored")
            #expect(unspoken.headers[values: .setCookie].isEmpty, "no page cookie for a language the pages lack")
            #expect(try await Self.storedLocale(client, session) == "pt-BR")
        }
    }

    @Test(arguments: StoreKind.available) func aLanguageChosenBeforeSignInBecomesTheUsersOwn(_ kind: StoreKind) async throws {
        let fixture = try kind.fixture()
        let email = fixture.uniqueEmail("ann")
        _ = try await fixture.addUser(email: email, password: GatewayRouterTests.password)
        let body = #"{"email": "\#(email)", "password": "\#(GatewayRouterTests.password)"}"#
        try await GatewayRouterTests.withRouter(fixture) { client in
            let plain = try await GatewayRouterTests.post(client, "/api/portal/auth/sign-in", body)
            let first = try #require(GatewayRouterTests.cookie(of: plain))
            #expect(try await Self.storedLocale(client, first) == nil, "no choice, nothing stored")

            let chosen = try await GatewayRouterTests.post(
                client, "/api/portal/auth/sign-in", body, headers: [.cookie: "portal_lang=fr"])
            #expect(chosen.status == .ok)
            #expect((GatewayRouterTests.json(chosen.body)["user"] as? [String: Any])?["locale"] as? String == "fr")
            let second = try #require(GatewayRouterTests.cookie(of: chosen))
            #expect(try await Self.storedLocale(client, second) == "fr")

            _ = try await Self.put(client, #"{"locale": "fr-BE"}"#, cookie: second)
            let same = try await GatewayRouterTests.post(
                client, "/api/portal/auth/sign-in", body, headers: [.cookie: "portal_lang=fr"])
            #expect(same.status == .ok)
            #expect(try await Self.storedLocale(client, second) == "fr-BE", "fr-BE is French already: kept")

            let forged = try await GatewayRouterTests.post(
                client, "/api/portal/auth/sign-in", body, headers: [.cookie: "portal_lang=x-klingon"])
            #expect(forged.status == .ok)
            #expect(try await Self.storedLocale(client, second) == "fr-BE", "a cookie that is no language changes nothing")
        }
    }
}
