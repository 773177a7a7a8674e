import Foundation
import HTTPTypes
import PQ
import PortalCore
import PortalCrypto
import TestSupport
import Testing

/// A change of address through the gateway and a real Postgres: the client's request with its
/// password, the link (sealed as the mailer would), the old cookie refused and the new address
/// signing in; staff's PATCH for an invited and an active user; and two changes racing for one
/// address on two connections, of which exactly one wins.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh"))
struct EmailChangeTests {
    static let password = "Harbour lights at dusk 42"

    static func mails(_ fixture: Fixture, kind: String, to recipient: String) throws -> Int {
        try fixture.db.query("select count(*)::int from portal.mail_outbox where kind = $1 and recipient = $2", [kind, recipient])
            .scalar(Int.self) ?? 0
    }

    @Test func theClientChangesTheAddressWithThePasswordAndTheLink() async throws {
        let fixture = try Fixture()
        let email = try await FlowSupport.activatedUser(fixture, password: Self.password)
        let newEmail = Fixture.uniqueEmail("moved")
        try await Harness.withGateway { gateway in
            let cookie = try #require(try await gateway.signIn(email, Self.password).sessionCookie)
            let wrong = try await gateway.post(
                "/api/portal/auth/change-email", #"{"password": "not the password at all", "newEmail": "\#(newEmail)"}"#, cookie: cookie)
            #expect(wrong.status == 401)
            #expect(try Self.mails(fixture, kind: "email_change", to: newEmail) == 0, "a wrong password mails nothing")
            let failures: Int? = try fixture.db.query("select failed_attempts from portal.portal_users where email = $1", [email]).scalar()
            #expect(failures == 1, "a wrong password counts toward the lock, as at sign-in")

            let asked = try await gateway.post(
                "/api/portal/auth/change-email", #"{"password": "\#(Self.password)", "newEmail": "\#(newEmail.uppercased())"}"#, cookie: cookie)
            #expect(asked.status == 200)
            #expect(asked.body == #"{"ok":true}"#)
            #expect(try Self.mails(fixture, kind: "email_change", to: newEmail) == 1)
            #expect(try Self.mails(fixture, kind: "email_change_notice", to: email) == 1)
            #expect(try await gateway.get("/api/portal/auth/me", cookie: cookie).status == 200, "nothing changes before the link is used")

            let token = try fixture.sealedToken(email: email, type: .emailChange)
            let status = try await gateway.post("/api/portal/auth/token-status", #"{"token": "\#(token)"}"#)
            #expect(status.json["type"] as? String == "email_change")
            #expect(status.json["newEmail"] as? String == newEmail)
            let setsNoPassword = try await gateway.post("/api/portal/auth/reset-password", #"{"token": "\#(token)", "password": "\#(Self.password)"}"#)
            #expect(setsNoPassword.status == 400)

            let confirmed = try await gateway.post("/api/portal/auth/confirm-email", #"{"token": "\#(token)"}"#)
            #expect(confirmed.status == 200)
            #expect(confirmed.json["email"] as? String == newEmail)
            #expect(try await gateway.get("/api/portal/auth/me", cookie: cookie).status == 401, "every session ends")
            #expect(try await gateway.get("/api/portal/auth/session", cookie: cookie).status == 401)
            #expect(try await gateway.signIn(email, Self.password).status == 401, "the old address no longer signs in")
            #expect(try await gateway.signIn(newEmail, Self.password).status == 200)
            let again = try await gateway.post("/api/portal/auth/confirm-email", #"{"token": "\#(token)"}"#)
            #expect(again.status == 400)
            #expect(again.errorCode == "invalid_token")
        }
    }

    @Test func aTakenAddressGetsTheSameAnswerAndANoteInsteadOfALink() async throws {
        let fixture = try Fixture()
        let email = try await FlowSupport.activatedUser(fixture, password: Self.password)
        let other = try await FlowSupport.activatedUser(fixture, password: Self.password)
        let free = Fixture.uniqueEmail("free")
        try await Harness.withGateway { gateway in
            let cookie = try #require(try await gateway.signIn(email, Self.password).sessionCookie)
            let taken = try await gateway.post(
                "/api/portal/auth/change-email", #"{"password": "\#(Self.password)", "newEmail": "\#(other)"}"#, cookie: cookie)
            let open = try await gateway.post(
                "/api/portal/auth/change-email", #"{"password": "\#(Self.password)", "newEmail": "\#(free)"}"#, cookie: cookie)
            #expect(taken.status == 200 && open.status == 200)
            #expect(taken.body == open.body, "the caller cannot tell a taken address from a free one")
            #expect(try Self.mails(fixture, kind: "email_taken", to: other) == 1)
            #expect(try Self.mails(fixture, kind: "email_change", to: other) == 0)
            #expect(try Self.mails(fixture, kind: "email_change", to: free) == 1)
        }
    }

    @Test func staffPatchAnInvitedUserAtOnceAndAnActiveOneByTheLink() async throws {
        let fixture = try Fixture()
        let invitedClient = try fixture.client()
        let typo = Fixture.uniqueEmail("typo")
        let fixed = Fixture.uniqueEmail("fixed")
        _ = try fixture.db.query("select portal_api.invite($1, $2)", [invitedClient, typo])
        let active = try await FlowSupport.activatedUser(fixture, password: Self.password)
        let activeClient: String = try #require(try fixture.db.query("select client_id from portal.portal_users where email = $1", [active]).scalar())
        let moved = Fixture.uniqueEmail("staff-moved")
        try await Harness.withGateway { gateway in
            let invited = try await gateway.admin(
                .patch, "/api/v1/clients/\(invitedClient)/portal-user", key: fixture.adminKey, json: #"{"email": "\#(fixed)"}"#)
            #expect(invited.status == 200)
            let user = try #require(invited.json["portalUser"] as? [String: Any])
            #expect(user["email"] as? String == fixed)
            #expect(try Self.mails(fixture, kind: "activation", to: fixed) == 1, "a fresh activation link goes to the new address")
            let activation = try fixture.sealedToken(email: fixed, type: .activation)
            let activated = try await gateway.post("/api/portal/auth/activate", #"{"token": "\#(activation)", "password": "\#(Self.password)"}"#)
            #expect(activated.status == 200)

            let cookie = try #require(try await gateway.signIn(active, Self.password).sessionCookie)
            let asked = try await gateway.admin(
                .patch, "/api/v1/clients/\(activeClient)/portal-user", key: fixture.adminKey, json: #"{"email": "\#(moved)"}"#)
            #expect(asked.status == 200)
            let pending = try #require(asked.json["portalUser"] as? [String: Any])
            #expect(pending["email"] as? String == active, "an active user's address waits for the link")
            #expect(pending["pendingEmail"] as? String == moved)
            #expect(try Self.mails(fixture, kind: "email_change_notice", to: active) == 1)
            let taken = try await gateway.admin(
                .patch, "/api/v1/clients/\(activeClient)/portal-user", key: fixture.adminKey, json: #"{"email": "\#(fixed)"}"#)
            #expect(taken.status == 409)
            #expect(taken.errorCode == "email_taken")

            let token = try fixture.sealedToken(email: active, type: .emailChange)
            #expect(try await gateway.post("/api/portal/auth/confirm-email", #"{"token": "\#(token)"}"#).status == 200)
            #expect(try await gateway.get("/api/portal/auth/me", cookie: cookie).status == 401)
            #expect(try await gateway.signIn(moved, Self.password).status == 200)
        }
    }

    /// Two accounts confirm a change to the same address at the same moment, each on its own
    /// connection: the unique address decides, exactly one account moves.
    @Test func twoChangesToOneAddressHaveOneWinner() async throws {
        let fixture = try Fixture()
        let first = try await FlowSupport.activatedUser(fixture, password: Self.password)
        let second = try await FlowSupport.activatedUser(fixture, password: Self.password)
        let shared = Fixture.uniqueEmail("shared")
        var tokens: [[UInt8]] = []
        for email in [first, second] {
            let hash: String = try #require(try fixture.db.query("select password_hash from portal.portal_users where email = $1", [email]).scalar())
            let id: String = try #require(try fixture.db.query("select id from portal.portal_users where email = $1", [email]).scalar())
            _ = try fixture.db.query("select portal_api.request_email_change($1, $2, $3)", [id, hash, shared])
            tokens.append(TokenKey.hash(rawToken: try fixture.sealedToken(email: email, type: .emailChange)))
        }
        let url = try Harness.superuserURL()
        // The unique address decides: the later update waits for the earlier one's commit, then
        // fails; its whole call rolls back (its link stays unused).
        let outcomes = await withTaskGroup(of: String.self) { group in
            for token in tokens {
                group.addTask {
                    do {
                        let connection = try Connection(conninfo: url)
                        _ = try connection.query("select portal_api.confirm_email_change($1)", [token])
                        return "won"
                    } catch let error as PQError {
                        return error.sqlState ?? "error"
                    } catch {
                        return "error"
                    }
                }
            }
            var all: [String] = []
            for await outcome in group { all.append(outcome) }
            return all.sorted()
        }
        #expect(outcomes == ["PA002", "won"])
        let holders: Int? = try fixture.db.query("select count(*)::int from portal.portal_users where email = $1", [shared]).scalar()
        #expect(holders == 1)
    }
}
