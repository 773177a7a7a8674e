import Foundation
import HTTPTypes
import TestSupport
import Testing

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh")) struct AdminAPITests {
    @Test func keysAreConfinedToTheirPort() async throws {
        let north = try Fixture()
        let south = try Fixture()
        let northClient = try north.client()
        let southClient = try south.client()
        try await Harness.withGateway { gateway in
            let path = "/api/v1/clients/\(southClient)/portal-user"
            let invite = try await gateway.admin(.post, path, key: north.adminKey, json: #"{"email": "\#(Fixture.uniqueEmail())"}"#)
            #expect(invite.status == 404)
            #expect(invite.errorCode == "client_not_found")
            _ = try await gateway.admin(.post, path, key: south.adminKey, json: #"{"email": "\#(Fixture.uniqueEmail())"}"#)
            #expect(try await gateway.admin(.get, path, key: north.adminKey).status == 404)
            #expect(try await gateway.admin(.post, path + "?action=disable", key: north.adminKey).status == 404)
            let own = try await gateway.admin(.get, path, key: south.adminKey)
            #expect(own.status == 200)
            #expect((own.json["portalUser"] as? [String: Any])?["state"] as? String == "invited")
            // A client of the key's port without a portal user: state none, the one action is invite.
            let none = try await gateway.admin(.get, "/api/v1/clients/\(northClient)/portal-user", key: north.adminKey)
            #expect(none.status == 200)
            #expect((none.json["portalUser"] as? [String: Any])?["state"] as? String == "none")
            #expect((none.json["portalUser"] as? [String: Any])?["actions"] as? [String] == ["invite"])
        }
    }

    @Test func missingUnknownAndRevokedKeysGet401() async throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        try await Harness.withGateway { gateway in
            let path = "/api/v1/clients/\(client)/portal-user"
            #expect(try await gateway.send(.get, path, origin: nil).status == 401)
            #expect(try await gateway.admin(.get, path, key: "pak_made_up").errorCode == "invalid_admin_key")
            let keyID: String = try #require(try fixture.db.query(
                "select id from portal_api.list_admin_keys($1)", [fixture.portID]).scalar())
            try fixture.db.query("select portal_api.revoke_admin_key($1)", [keyID])
            #expect(try await gateway.admin(.get, path, key: fixture.adminKey).status == 401)
        }
    }

    @Test func inviteActionsAndTheirConflicts() async throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let other = try fixture.client()
        let email = Fixture.uniqueEmail("admin")
        try await Harness.withGateway { gateway in
            let path = "/api/v1/clients/\(client)/portal-user"
            let created = try await gateway.admin(.post, path, key: fixture.adminKey, json: #"{"email": "\#(email)", "name": "Ann"}"#)
            #expect(created.status == 201)
            #expect(try await gateway.admin(.post, path, key: fixture.adminKey, json: #"{"email": "\#(Fixture.uniqueEmail())"}"#).errorCode
                    == "portal_user_exists")
            let taken = try await gateway.admin(.post, "/api/v1/clients/\(other)/portal-user", key: fixture.adminKey,
                                                json: #"{"email": "\#(email.uppercased())"}"#)
            #expect(taken.status == 409)
            #expect(taken.errorCode == "email_taken")
            #expect(try await gateway.admin(.post, "/api/v1/clients/no-such-client/portal-user", key: fixture.adminKey,
                                            json: #"{"email": "\#(Fixture.uniqueEmail())"}"#).status == 404)
            #expect(try await gateway.admin(.post, path, key: fixture.adminKey, json: #"{"email": "nope"}"#).status == 400)
            #expect(try await gateway.admin(.post, path + "?action=explode", key: fixture.adminKey).status == 400)

            let firstToken = try fixture.sealedToken(email: email, type: .activation)
            let resend = try await gateway.admin(.post, path + "?action=resend", key: fixture.adminKey)
            #expect(resend.status == 200)
            #expect(try await gateway.post("/api/portal/auth/token-status", #"{"token": "\#(firstToken)"}"#).json["status"] as? String
                    == "invalid", "a resend revokes the old link")
            let token = try fixture.sealedToken(email: email, type: .activation)
            #expect(try await gateway.post("/api/portal/auth/activate",
                #"{"token": "\#(token)", "password": "\#(PortalFlowTests.goodPassword)"}"#).status == 200)
            let again = try await gateway.admin(.post, path + "?action=resend", key: fixture.adminKey)
            #expect(again.status == 409)
            #expect(again.errorCode == "already_active")

            let disabled = try await gateway.admin(.post, path + "?action=disable", key: fixture.adminKey)
            #expect((disabled.json["portalUser"] as? [String: Any])?["state"] as? String == "disabled")
            #expect(try await gateway.signIn(email, PortalFlowTests.goodPassword).status == 401)
            #expect(try await gateway.admin(.post, path + "?action=enable", key: fixture.adminKey).status == 200)
            let cookie = try #require(try await gateway.signIn(email, PortalFlowTests.goodPassword).sessionCookie)
            #expect(try await gateway.admin(.post, path + "?action=revoke-sessions", key: fixture.adminKey).status == 200)
            #expect(try await gateway.get("/api/portal/auth/me", cookie: cookie).status == 401)
            #expect(try await gateway.admin(.post, path + "?action=unlock", key: fixture.adminKey).status == 200)
            let status = try await gateway.admin(.get, path, key: fixture.adminKey)
            let user = try #require(status.json["portalUser"] as? [String: Any])
            #expect(user["state"] as? String == "active")
            #expect(user["lastLoginAt"] != nil)
        }
    }
}
