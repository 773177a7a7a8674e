import Foundation
import HTTPTypes
import TestSupport
import Testing

/// The client's language through the admin API: `locale` on invite and on
/// `PUT /api/v1/clients/:id` (checked by the one BCP 47 rule, stored normalised), shown in the
/// portal user's status and, after sign-in, in `/me` beside the port's language.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh")) struct LocaleAdminAPITests {
    @Test func staffSetTheClientsLanguageOnInviteAndPut() async throws {
        let fixture = try Fixture()
        try fixture.db.query("select portal_api.set_port_locale($1, 'de', 'Europe/Berlin')", [fixture.portID])
        let client = try fixture.client(name: "Ionian Ltd")
        let email = Fixture.uniqueEmail("locale")
        try await Harness.withGateway { gateway in
            let path = "/api/v1/clients/\(client)/portal-user"
            let invited = try await gateway.admin(.post, path, key: fixture.adminKey, json: #"{"email": "\#(email)", "locale": "EL"}"#)
            #expect(invited.status == 201, "\(invited.body)")
            let user = try #require(invited.json["portalUser"] as? [String: Any])
            #expect(user["locale"] as? String == "el", "stored normalised")
            #expect(user["portLocale"] as? String == "de")
            #expect(user["portTimeZone"] as? String == "Europe/Berlin")

            let put = try await gateway.admin(
                .put, "/api/v1/clients/\(client)", key: fixture.adminKey, json: #"{"name": "Ionian Ltd", "locale": "fr"}"#)
            #expect(put.status == 200, "\(put.body)")
            let status = try await gateway.admin(.get, path, key: fixture.adminKey)
            #expect((status.json["portalUser"] as? [String: Any])?["locale"] as? String == "fr", "PUT changed the portal user's language")
            let unchanged = try await gateway.admin(.put, "/api/v1/clients/\(client)", key: fixture.adminKey, json: #"{"name": "Ionian Ltd"}"#)
            #expect(unchanged.status == 200)
            #expect((try await gateway.admin(.get, path, key: fixture.adminKey).json["portalUser"] as? [String: Any])?["locale"] as? String
                == "fr", "a PUT without locale leaves it as it is")

            let token = try fixture.sealedToken(email: email, type: .activation)
            #expect(try await gateway.post("/api/portal/auth/activate",
                #"{"token": "\#(token)", "password": "\#(PortalFlowTests.goodPassword)"}"#).status == 200)
            let cookie = try #require(try await gateway.signIn(email, PortalFlowTests.goodPassword).sessionCookie)
            let me = try #require(try await gateway.get("/api/portal/auth/me", cookie: cookie).json["user"] as? [String: Any])
            #expect(me["locale"] as? String == "fr", "the pages learn the client's language from /me")
            #expect(me["portLocale"] as? String == "de", "and the marina's")
        }
    }

    @Test func aMalformedLocaleIsA400NamingTheField() async throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        try await Harness.withGateway { gateway in
            let path = "/api/v1/clients/\(client)/portal-user"
            for body in [
                #"{"email": "\#(Fixture.uniqueEmail())", "locale": "de_AT"}"#,
                #"{"email": "\#(Fixture.uniqueEmail())", "locale": "en-u-ca-buddhist"}"#,
                #"{"email": "\#(Fixture.uniqueEmail())", "locale": ""}"#,
                #"{"email": "\#(Fixture.uniqueEmail())", "locale": 7}"#,
            ] {
                let reply = try await gateway.admin(.post, path, key: fixture.adminKey, json: body)
                #expect(reply.status == 400, "\(body): \(reply.body)")
                #expect(reply.body.contains("locale"), "the field is named: \(reply.body)")
            }
            let put = try await gateway.admin(
                .put, "/api/v1/clients/\(client)", key: fixture.adminKey, json: #"{"name": "Client", "locale": "Deutsch"}"#)
            #expect(put.status == 400)
            #expect(put.body.contains("BCP 47"), "\(put.body)")
            #expect((try await gateway.admin(.get, path, key: fixture.adminKey).json["portalUser"] as? [String: Any])?["state"] as? String
                == "none", "a refused invite created nobody")
        }
    }
}
