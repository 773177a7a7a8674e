import Foundation
import HTTPTypes
import PQ
import PortalCore
import TestSupport
import Testing

/// The pages' language on a real Postgres: the marina's default from `set_port_locale`, the
/// client's own choice through `PUT /api/portal/auth/locale` (stored on the user), and the
/// browser's `Accept-Language` when neither is set.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh"))
struct PageLanguageFlowTests {
    static let password = "Harbour lights at dusk 42"

    @Test func theMarinasLanguageThenTheClientsOwnChoiceSpeakTheirPages() async throws {
        let fixture = try Fixture()
        let email = try await FlowSupport.activatedUser(fixture, password: Self.password)
        try await Harness.withGateway { gateway in
            let cookie = try #require(try await gateway.signIn(email, Self.password).sessionCookie)
            let german: HTTPFields = [.acceptLanguage: "de-AT,de;q=0.9"]
            #expect(try await gateway.get("/portal", cookie: cookie, headers: german).headers[.contentLanguage] == "de")

            try fixture.db.query("select portal_api.set_port_locale($1, 'hr', 'Europe/Zagreb')", [fixture.portID])
            let croatian = try await gateway.get("/portal", cookie: cookie, headers: german)
            #expect(croatian.headers[.contentLanguage] == "hr", "the marina's default outranks the browser")
            #expect(croatian.body.contains(#"<html lang="hr">"#))

            let chosen = try await gateway.send(.put, "/api/portal/auth/locale", json: #"{"locale": "fr-BE"}"#, cookie: cookie)
            #expect(chosen.status == 200)
            #expect((chosen.json["user"] as? [String: Any])?["locale"] as? String == "fr-BE")
            #expect(chosen.headers[.setCookie]?.hasPrefix("portal_lang=fr;") == true)
            let stored: String? = try fixture.db.query("select locale from portal.portal_users where email = $1", [email]).scalar()
            #expect(stored == "fr-BE")
            let french = try await gateway.get("/portal", cookie: cookie, headers: german)
            #expect(french.headers[.contentLanguage] == "fr", "the client's own language outranks the marina's")
            #expect(french.body.contains(#"<html lang="fr">"#))
            #expect(french.body.contains("<h1>Votre compte</h1>"))

            let refused = try await gateway.send(.put, "/api/portal/auth/locale", json: #"{"locale": "fr_BE"}"#, cookie: cookie)
            #expect(refused.status == 400 && refused.errorCode == "invalid_request")
            let unchanged: String? = try fixture.db.query("select locale from portal.portal_users where email = $1", [email]).scalar()
            #expect(unchanged == "fr-BE")

            let cleared = try await gateway.send(.put, "/api/portal/auth/locale", json: #"{"locale": null}"#, cookie: cookie)
            #expect(cleared.status == 200)
            #expect(try await gateway.get("/portal", cookie: cookie, headers: german).headers[.contentLanguage] == "hr")

            _ = try await gateway.post("/api/portal/auth/sign-out", "{}", cookie: cookie)
            let signedOut = try await gateway.send(.put, "/api/portal/auth/locale", json: #"{"locale": "de"}"#, cookie: cookie)
            #expect(signedOut.status == 401, "an ended session sets nothing")
        }
    }
}
