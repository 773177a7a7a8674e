import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import PortalCore

/// The portal's pages: plain HTML rendered once at start-up from `Pages/*.mustache`, plus their
/// CSS and one small script per page. No inline script or style, so the CSP allows only 'self'.
/// Loading a page never consumes a token: the set-password page reads it from the URL fragment
/// and only asks for its status until the user submits.
struct PagesController: Sendable {
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    private let pages: [String: String]
    /// The HTML 404 a browser gets for an unknown page (the API keeps its JSON 404).
    let notFoundHTML: String
    private let assets: [String: (type: String, body: String)]

    init(passwordMinLength: Int) throws {
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
        pages = [
            "login": try render("login", ["title": "Sign in", "script": "login.js"]),
            "forgot-password": try render("forgot", ["title": "Forgot password", "script": "forgot.js"]),
            "activate": try render("set-password", [
                "title": "Set your password", "script": "set-password.js", "heading": "Set your password",
                "kind": TokenType.activation.rawValue, "button": "Set password", "minLength": passwordMinLength,
            ]),
            "reset-password": try render("set-password", [
                "title": "Choose a new password", "script": "set-password.js", "heading": "Choose a new password",
                "kind": TokenType.reset.rawValue, "button": "Save new password", "minLength": passwordMinLength,
            ]),
            "home": try render("home", ["title": "Your account", "script": "home.js", "minLength": passwordMinLength]),
            "confirm-email": try render("confirm-email", ["title": "Confirm your new email address", "script": "confirm-email.js"]),
        ]
        notFoundHTML = try render("not-found", ["title": "Page not found", "script": "common.js"])
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
            router.get(RouterPath(path)) { _, _ in Self.page(html, head: false) }
            router.head(RouterPath(path)) { _, _ in Self.page(html, head: true) }
        }
        let login = pages["login"]!
        router.get(RouterPath(PortalPaths.login)) { request, _ in
            if (try? await sessions.authenticate(request)) != nil {
                return Self.redirect(to: ReturnPath.safe(request.uri.queryParameters.get("next")))
            }
            return Self.page(login, head: false)
        }
        router.head(RouterPath(PortalPaths.login)) { _, _ in Self.page(login, head: true) }
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

    /// 303 See Other to `location` (a path on this site).
    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// The not-found page, with the status a browser should see.
    func notFoundPage() -> Response {
        var response = Self.page(notFoundHTML, head: false)
        response.status = .notFound
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
