import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import PortalCore

/// The portal's pages: plain HTML rendered once at start-up from `Pages/*.mustache`, once per
/// catalogue language, plus their CSS and one small script per page. No inline script or style,
/// so the CSP allows only 'self': a script's sentences come from the page's JSON data block
/// (`#portal-strings`, never executed). Loading a page never consumes a token: the set-password
/// page reads it from the URL fragment and only asks for its status until the user submits.
///
/// A request picks its language by `PageLanguage` and then only looks the page up: no
/// formatting or rendering per request.
struct PagesController: Sendable {
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    let language: PageLanguage
    /// page → language → HTML.
    private let pages: [String: [String: String]]
    /// The HTML 404 a browser gets for an unknown page (the API keeps its JSON 404), per language.
    private let notFound: [String: String]
    private let assets: [String: (type: String, body: String)]

    init(passwordMinLength: Int, catalogue: Catalogue) throws {
        func load(_ name: String, _ ext: String) throws -> String {
            guard let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Pages") else {
                throw ConfigError("page resource \(name).\(ext) is missing")
            }
            return try String(contentsOf: url, encoding: .utf8)
        }
        var library = MustacheLibrary()
        for name in ["layout", "login", "forgot", "set-password", "home", "not-found", "confirm-email"] {
            try library.register(try load(name, "mustache"), named: name)
        }
        func render(_ template: String, _ context: [String: Any]) throws -> String {
            guard let html = library.render(context, withTemplate: template) else {
                throw ConfigError("page template \(template) did not render")
            }
            return html
        }
        let strings = PageStrings(catalogue: catalogue, minLength: passwordMinLength)
        language = PageLanguage(supported: catalogue.languages)
        var pages: [String: [String: String]] = [:]
        var notFound: [String: String] = [:]
        for lang in strings.languages {
            for page in PageStrings.Page.all {
                pages[page.name, default: [:]][lang] = try render(page.template, strings.context(page, language: lang))
            }
            notFound[lang] = try render("not-found", strings.context(.notFound, language: lang))
        }
        self.pages = pages
        self.notFound = notFound
        var assets: [String: (String, String)] = [:]
        for name in ["common", "login", "forgot", "set-password", "home", "confirm-email"] {
            assets["\(name).js"] = ("text/javascript; charset=utf-8", try load(name, "js"))
        }
        assets["portal.css"] = ("text/css; charset=utf-8", try load("portal", "css"))
        self.assets = assets
    }

    /// The pages, `/` (→ `/portal`), and the assets. `sessions` sends a signed-in visitor of the
    /// sign-in page on, to its `next` when that is a path on this site, else to `/portal`.
    func register(on router: Router<PortalRequestContext>, sessions: SessionCookie) {
        let routes = [PortalPaths.home: "home", PortalPaths.forgotPassword: "forgot-password",
                      PortalPaths.activate: "activate", PortalPaths.resetPassword: "reset-password",
                      PortalPaths.confirmEmail: "confirm-email"]
        for (path, page) in routes {
            let html = pages[page]!
            router.get(RouterPath(path)) { request, _ in
                self.page(html, for: request, user: await Self.userLocales(request, sessions), head: false)
            }
            router.head(RouterPath(path)) { request, _ in
                self.page(html, for: request, user: await Self.userLocales(request, sessions), head: true)
            }
        }
        let login = pages["login"]!
        router.get(RouterPath(PortalPaths.login)) { request, _ in
            if (try? await sessions.authenticate(request)) != nil {
                return Self.redirect(to: ReturnPath.safe(request.uri.queryParameters.get("next")))
            }
            return self.page(login, for: request, user: nil, head: false)
        }
        router.head(RouterPath(PortalPaths.login)) { request, _ in self.page(login, for: request, user: nil, head: true) }
        router.get("/") { _, _ in Self.redirect(to: PortalPaths.home) }
        router.head("/") { _, _ in Self.redirect(to: PortalPaths.home) }
        router.get("portal/assets/:file") { _, context in
            guard let file = context.parameters.get("file"), let asset = assets[file] else { throw HTTPFailure.notFound }
            return Response(
                status: .ok,
                headers: [.contentType: asset.type, .cacheControl: "public, max-age=300"],
                body: .init(byteBuffer: ByteBuffer(string: asset.body)))
        }
    }

    /// The signed-in user's language and the marina's, when the request carries a session cookie
    /// and no language cookie (which would win anyway): one session check, as `/me` makes.
    static func userLocales(_ request: Request, _ sessions: SessionCookie) async -> PageLanguage.UserLocales? {
        guard PageLanguage.cookie(of: request) == nil, sessions.claims(of: request) != nil,
            let json = try? await sessions.authenticatedJSON(request)
        else { return nil }
        return PageLanguage.UserLocales.of(userJSON: json)
    }

    /// The request's language, and the cookie to set when the request chose one (`?lang=de`, the
    /// language switch's links).
    func language(of request: Request, user: PageLanguage.UserLocales?) -> (language: String, setCookie: String?) {
        if let chosen = language.supportedLanguage(request.uri.queryParameters.get("lang").map { String($0) }) {
            return (chosen, PageLanguage.setCookie(chosen))
        }
        let chosen = language.choose(
            cookie: PageLanguage.cookie(of: request), userLocale: user?.locale, portLocale: user?.portLocale,
            acceptLanguage: request.headers[.acceptLanguage])
        return (chosen, nil)
    }

    /// 303 See Other to `location` (a path on this site).
    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// The not-found page in the request's language (its cookie or `Accept-Language`: no
    /// database call on an error path), with the status a browser should see.
    func notFoundPage(for request: Request) -> Response {
        var response = page(notFound, for: request, user: nil, head: false)
        response.status = .notFound
        return response
    }

    /// `html` (language → page) in the request's language.
    func page(_ html: [String: String], for request: Request, user: PageLanguage.UserLocales?, head: Bool) -> Response {
        let (lang, setCookie) = language(of: request, user: user)
        var response = Self.page(html[lang] ?? html[Catalogue.sourceLanguage]!, head: head)
        response.headers[.contentLanguage] = lang
        response.headers[.vary] = "Accept-Language, Cookie"
        if let setCookie { response.headers[.setCookie] = setCookie }
        return response
    }

    static func page(_ html: String, head: Bool) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: "no-store",
        ]
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.referrerPolicy] = "no-referrer"
        if head {
            headers[.contentLength] = String(html.utf8.count)
            return Response(status: .ok, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
