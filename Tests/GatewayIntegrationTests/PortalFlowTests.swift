import Foundation
import HTTPTypes
import PQ
import PortalCrypto
import TestSupport
import Testing

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh")) struct PortalFlowTests {
    static let goodPassword = "Harbour lights at dusk 42"
    static let newPassword = "Another long passphrase 77"

    /// invite → seal (as the mailer) → activate → sign in → me → forgot → reset → old cookie refused.
    @Test func inviteActivateSignInResetFlow() async throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let email = Fixture.uniqueEmail("flow")
        try await Harness.withGateway { gateway in
            let invite = try await gateway.admin(.post, "/api/v1/clients/\(client)/portal-user", key: fixture.adminKey,
                                                 json: #"{"email": "\#(email.uppercased())", "name": "Flow Owner"}"#)
            #expect(invite.status == 201)
            let portalUser = try #require(invite.json["portalUser"] as? [String: Any])
            #expect(portalUser["state"] as? String == "invited")
            #expect(portalUser["email"] as? String == email)
            #expect((portalUser["lastMail"] as? [String: Any])?["status"] as? String == "queued")

            let token = try fixture.sealedToken(email: email, type: .activation)
            let status = try await gateway.post("/api/portal/auth/token-status", #"{"token": "\#(token)"}"#)
            #expect(status.status == 200)
            #expect(status.json["status"] as? String == "valid")
            #expect(status.json["type"] as? String == "activation")

            let weak = try await gateway.post("/api/portal/auth/activate", #"{"token": "\#(token)", "password": "password1234"}"#)
            #expect(weak.status == 422)
            #expect(weak.errorCode == "weak_password")
            let short = try await gateway.post("/api/portal/auth/activate", #"{"token": "\#(token)", "password": "short"}"#)
            #expect(short.status == 422)
            #expect((short.json["error"] as? [String: Any])?["details"] as? [String] == ["Use at least 12 characters."])
            let stillValid = try await gateway.post("/api/portal/auth/token-status", #"{"token": "\#(token)"}"#)
            #expect(stillValid.json["status"] as? String == "valid", "a weak try must not consume the token")

            let wrongType = try await gateway.post("/api/portal/auth/reset-password", #"{"token": "\#(token)", "password": "\#(Self.goodPassword)"}"#)
            #expect(wrongType.status == 400)
            #expect(wrongType.errorCode == "invalid_token")

            let activated = try await gateway.post("/api/portal/auth/activate", #"{"token": "\#(token)", "password": "\#(Self.goodPassword)"}"#)
            #expect(activated.status == 200)
            #expect(activated.json["ok"] as? Bool == true)
            #expect(activated.json["next"] as? String == "/portal")
            // Activation signs the client in: its cookie is a live session, recorded like a sign-in.
            let activatedCookie = try #require(activated.sessionCookie, "activation signs in")
            #expect(try await gateway.get("/api/portal/auth/me", cookie: activatedCookie).status == 200)
            #expect(activated.headers[values: .setCookie].first?.contains("Max-Age") == false, "a browser-session cookie")
            let again = try await gateway.post("/api/portal/auth/activate", #"{"token": "\#(token)", "password": "\#(Self.goodPassword)"}"#)
            #expect(again.status == 400)
            #expect(again.errorCode == "invalid_token")
            #expect(try await gateway.post("/api/portal/auth/token-status", #"{"token": "\#(token)"}"#).json["status"] as? String == "used")

            let signIn = try await gateway.signIn(email, Self.goodPassword)
            #expect(signIn.status == 200)
            let user = try #require(signIn.json["user"] as? [String: Any])
            #expect(user["email"] as? String == email)
            #expect(user["clientId"] as? String == client)
            #expect(user["portId"] as? String == fixture.portID)
            let cookie = try #require(signIn.sessionCookie)
            let setCookie = try #require(signIn.headers[values: .setCookie].first)
            for flag in ["Path=/", "Secure", "HttpOnly", "SameSite=Lax"] {
                #expect(setCookie.contains(flag))
            }
            #expect(!setCookie.contains("Domain="))

            let me = try await gateway.get("/api/portal/auth/me", cookie: cookie)
            #expect(me.status == 200)
            #expect((me.json["user"] as? [String: Any])?["id"] as? String == user["id"] as? String)
            // /me passes session_check's JSON on as the database wrote it: a backend asking
            // session_check itself (portal_reader) reads the same bytes.
            let payload = String(cookie.split(separator: ".")[1])
            let claimBytes = try #require(Base64.decodeURL(payload))
            let claims = try #require(try JSONSerialization.jsonObject(with: Data(claimBytes)) as? [String: Any])
            let sub = try #require(claims["sub"] as? String)
            let sv = try #require(claims["sv"] as? Int)
            let jti = try #require(claims["jti"] as? String)
            let checked: String = try #require(try fixture.db.query("select portal_api.session_check($1, $2, $3)", [sub, sv, jti]).scalar())
            #expect(me.body == #"{"user":"# + checked + "}")

            let forgot = try await gateway.post("/api/portal/auth/forgot-password", #"{"email": "\#(email)"}"#)
            #expect(forgot.status == 200)
            #expect(forgot.body == #"{"ok":true}"#)
            let resetToken = try fixture.sealedToken(email: email, type: .reset)
            let reset = try await gateway.post("/api/portal/auth/reset-password", #"{"token": "\#(resetToken)", "password": "\#(Self.newPassword)"}"#)
            #expect(reset.status == 200)

            #expect(try await gateway.get("/api/portal/auth/me", cookie: cookie).status == 401, "a reset ends every older session")
            #expect(try await gateway.signIn(email, Self.goodPassword).status == 401)
            #expect(try await gateway.signIn(email, Self.newPassword).status == 200)
            let mails: Int? = try fixture.db.query(
                "select count(*) from portal.mail_outbox m join portal.portal_users u on u.id = m.portal_user_id where u.email = $1 and m.kind = 'password_changed'",
                [email]).scalar()
            #expect(mails == 1, "a reset queues the password_changed mail")
        }
    }

    @Test func signOutRevokesThatSessionAndScopeAllEndsEveryOne() async throws {
        let fixture = try Fixture()
        let email = try await activatedUser(fixture)
        try await Harness.withGateway { gateway in
            let first = try #require(try await gateway.signIn(email, Self.goodPassword).sessionCookie)
            let second = try #require(try await gateway.signIn(email, Self.goodPassword).sessionCookie)
            let signOut = try await gateway.post("/api/portal/auth/sign-out", nil, cookie: first)
            #expect(signOut.status == 204)
            #expect(signOut.headers[values: .setCookie].first?.contains("Max-Age=0") == true)
            #expect(try await gateway.get("/api/portal/auth/me", cookie: first).status == 401, "a replayed cookie is refused")
            #expect(try await gateway.get("/api/portal/auth/me", cookie: second).status == 200)

            let third = try #require(try await gateway.signIn(email, Self.goodPassword).sessionCookie)
            #expect(try await gateway.send(.post, "/api/portal/auth/sign-out?scope=all", json: "{}", cookie: third).status == 204)
            #expect(try await gateway.get("/api/portal/auth/me", cookie: second).status == 401, "scope=all ends every session")
            #expect(try await gateway.send(.post, "/api/portal/auth/sign-out?scope=some", json: "{}", cookie: second).status == 400)
            #expect(try await gateway.post("/api/portal/auth/sign-out", nil).status == 204, "signing out without a cookie is harmless")
        }
    }

    @Test func changePasswordChecksTheCurrentOneAndEndsOtherSessions() async throws {
        let fixture = try Fixture()
        let email = try await activatedUser(fixture)
        try await Harness.withGateway { gateway in
            let other = try #require(try await gateway.signIn(email, Self.goodPassword).sessionCookie)
            let cookie = try #require(try await gateway.signIn(email, Self.goodPassword).sessionCookie)
            let wrong = try await gateway.post("/api/portal/auth/change-password",
                #"{"currentPassword": "not it at all 123", "newPassword": "\#(Self.newPassword)"}"#, cookie: cookie)
            #expect(wrong.status == 401)
            #expect(wrong.errorCode == "invalid_credentials")
            let weak = try await gateway.post("/api/portal/auth/change-password",
                #"{"currentPassword": "\#(Self.goodPassword)", "newPassword": "password1234"}"#, cookie: cookie)
            #expect(weak.status == 422)
            #expect(try await gateway.post("/api/portal/auth/change-password", #"{"currentPassword": "x", "newPassword": "y"}"#).status == 401,
                    "change-password needs a session")
            let changed = try await gateway.post("/api/portal/auth/change-password",
                #"{"currentPassword": "\#(Self.goodPassword)", "newPassword": "\#(Self.newPassword)"}"#, cookie: cookie)
            #expect(changed.status == 200)
            let fresh = try #require(changed.sessionCookie, "the caller gets a new cookie")
            #expect(try await gateway.get("/api/portal/auth/me", cookie: fresh).status == 200)
            #expect(try await gateway.get("/api/portal/auth/me", cookie: cookie).status == 401)
            #expect(try await gateway.get("/api/portal/auth/me", cookie: other).status == 401)
            #expect(try await gateway.signIn(email, Self.newPassword).status == 200)
        }
    }

    @Test func legacyNodeHashSignsInAndIsUpgraded() async throws {
        let fixture = try Fixture()
        let email = try await activatedUser(fixture)
        let legacy = "33BaejFVlRY1npL4J77_5g:ziG3ou1pnOG-OCfSwa6bGYkCcVtcuKPJefXC0DGyEIlh4dn7BOm7AJ9LAeb56sPkrr7xcgHZoiuf-pH6zFdGog"
        try fixture.db.query("update portal.portal_users set password_hash = $1 where email = $2", [legacy, email])
        // At least the legacy cost (N=2^14, r=8): the database refuses to trade a legacy hash for a cheaper one.
        try await Harness.withGateway(try Harness.config(scrypt: "ln=14,r=8,p=1")) { gateway in
            #expect(try await gateway.signIn(email, "correct horse battery stapl").status == 401)
            #expect(try await gateway.signIn(email, "correct horse battery staple").status == 200)
            var upgraded: String?
            for _ in 0..<50 {
                upgraded = try fixture.db.query("select password_hash from portal.portal_users where email = $1", [email]).scalar()
                if upgraded?.hasPrefix("$scrypt$") == true { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(upgraded?.hasPrefix("$scrypt$ln=14,r=8,p=1$") == true, "the legacy hash is re-hashed to the current parameters")
            #expect(try await gateway.signIn(email, "correct horse battery staple").status == 200, "and still verifies")
        }
    }

    /// Fifty parallel activations of one token over HTTP: exactly one 200.
    @Test func fiftyWayActivationRaceHasExactlyOneWinner() async throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let email = Fixture.uniqueEmail("race")
        _ = try fixture.db.query("select portal_api.invite($1, $2)", [client, email])
        let token = try fixture.sealedToken(email: email, type: .activation)
        try await Harness.withGateway(try Harness.config(workers: 4, queue: 64, pool: 10)) { gateway in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<50 {
                    var caller = gateway
                    caller.ip = "10.50.0.\(i + 1)"
                    group.addTask {
                        try await caller.post("/api/portal/auth/activate", #"{"token": "\#(token)", "password": "\#(Self.goodPassword)"}"#).status
                    }
                }
                return try await group.reduce(into: [Int: Int]()) { $0[$1, default: 0] += 1 }
            }
            #expect(statuses == [200: 1, 400: 49])
        }
    }

    private func activatedUser(_ fixture: Fixture) async throws -> String {
        try await FlowSupport.activatedUser(fixture, password: Self.goodPassword)
    }
}
