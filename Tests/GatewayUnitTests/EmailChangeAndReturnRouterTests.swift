import Foundation
@testable import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PortalCore
import Testing

/// Change of email, "Keep me signed in", `next`, and activation that signs the client in, over
/// the in-memory store: what the wire looks like.
@Suite struct EmailChangeAndReturnRouterTests {
    typealias R = GatewayRouterTests

    static func signIn(_ client: any TestClientProtocol, _ email: String, extra: String = "") async throws -> TestResponse {
        try await R.post(client, "/api/portal/auth/sign-in", #"{"email": "\#(email)", "password": "\#(R.password)"\#(extra)}"#)
    }

    @Test func aPlainSignInGetsABrowserSessionCookieAndKeepMeSignedInALastingOne() async throws {
        let store = InMemoryGatewayStore(adminKey: R.adminKey)
        _ = try await store.addUser(email: "ann@example.com", password: R.password)
        try await R.withRouter(store) { client in
            let plain = try await Self.signIn(client, "ann@example.com")
            #expect(plain.status == .ok)
            let plainCookie = try #require(plain.headers[values: .setCookie].first)
            #expect(!plainCookie.contains("Max-Age"), "ends with the browser")
            let kept = try await Self.signIn(client, "ann@example.com", extra: #", "remember": true"#)
            let keptCookie = try #require(kept.headers[values: .setCookie].first)
            #expect(keptCookie.contains("Max-Age=\(30 * 86400);"))
            // The kept session is a real one: /me accepts its cookie (the signer allows its lifetime).
            let me = try await client.execute(uri: "/api/portal/auth/me", method: .get, headers: [.cookie: R.cookie(of: kept)!])
            #expect(me.status == .ok)
        }
    }

    @Test func signInAnswersTheNextPageOnlyWhenItIsAPathOnThisSite() async throws {
        let store = InMemoryGatewayStore(adminKey: R.adminKey)
        _ = try await store.addUser(email: "ann@example.com", password: R.password)
        try await R.withRouter(store) { client in
            let kept = try await Self.signIn(client, "ann@example.com", extra: #", "next": "/invoices/7?tab=pdf""#)
            #expect(R.json(kept.body)["next"] as? String == "/invoices/7?tab=pdf")
            let evil = try await Self.signIn(client, "ann@example.com", extra: #", "next": "//evil.example/x""#)
            #expect(R.json(evil.body)["next"] as? String == "/portal")
            let none = try await Self.signIn(client, "ann@example.com")
            #expect(R.json(none.body)["next"] as? String == "/portal")
        }
    }

    @Test func theSessionCheckSendsAProxyToSignInWithThePageAskedFor() async throws {
        let store = InMemoryGatewayStore(adminKey: R.adminKey)
        try await R.withRouter(store) { client in
            let refused = try await client.execute(
                uri: "/api/portal/auth/session", method: .get, headers: [HTTPField.Name("X-Original-URI")!: "/invoices/7?tab=pdf"])
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[.location] == "/portal/login?next=/invoices/7%3Ftab%3Dpdf")
            let foreign = try await client.execute(
                uri: "/api/portal/auth/session", method: .get, headers: [HTTPField.Name("X-Original-URI")!: "//evil.example"])
            #expect(foreign.headers[.location] == "/portal/login")
        }
    }

    @Test func activationSignsTheClientInAndGoesToNext() async throws {
        let store = InMemoryGatewayStore(adminKey: R.adminKey)
        let id = try await store.addUser(email: "new@example.com", password: nil)
        let raw = String(repeating: "A", count: 43)
        await store.addToken(raw: raw, user: id, type: .activation)
        try await R.withRouter(store) { client in
            let done = try await R.post(
                client, "/api/portal/auth/activate", #"{"token": "\#(raw)", "password": "\#(R.password)", "next": "/berths/list"}"#)
            #expect(done.status == .ok)
            #expect(R.json(done.body)["next"] as? String == "/berths/list")
            let cookie = try #require(R.cookie(of: done), "activation sets the session cookie")
            #expect(done.headers[values: .setCookie].first?.contains("Max-Age") == false)
            let me = try await client.execute(uri: "/api/portal/auth/me", method: .get, headers: [.cookie: cookie])
            #expect(me.status == .ok)
        }
    }

    @Test func changeEmailNeedsTheSessionAndThePassword() async throws {
        let store = InMemoryGatewayStore(adminKey: R.adminKey)
        let id = try await store.addUser(email: "ann@example.com", password: R.password)
        try await R.withRouter(store) { client in
            let anonymous = try await R.post(client, "/api/portal/auth/change-email", #"{"password": "x", "newEmail": "a@b.example"}"#)
            #expect(anonymous.status == .unauthorized)
            let cookie = try #require(R.cookie(of: try await Self.signIn(client, "ann@example.com")))
            let wrong = try await R.post(
                client, "/api/portal/auth/change-email", #"{"password": "not the password", "newEmail": "ann@new.example"}"#, cookie: cookie)
            #expect(wrong.status == .unauthorized)
            #expect(await store.emailChangeRequests.isEmpty)
            let malformed = try await R.post(
                client, "/api/portal/auth/change-email", #"{"password": "\#(R.password)", "newEmail": "no address"}"#, cookie: cookie)
            #expect(malformed.status == .badRequest)
            let asked = try await R.post(
                client, "/api/portal/auth/change-email", #"{"password": "\#(R.password)", "newEmail": "Ann@New.example"}"#, cookie: cookie)
            #expect(asked.status == .ok)
            #expect(R.json(asked.body)["ok"] as? Bool == true)
            #expect(await store.emailChangeRequests.map(\.user) == [id])
        }
    }

    @Test func confirmingAnEmailChangeEndsTheSessionsAndAnswersTheNewAddress() async throws {
        let store = InMemoryGatewayStore(adminKey: R.adminKey)
        let id = try await store.addUser(email: "ann@example.com", password: R.password)
        _ = try await store.addUser(email: "taken@example.com", password: R.password, client: "client-2")
        let raw = String(repeating: "B", count: 42) + "A"
        let racing = String(repeating: "C", count: 42) + "A"
        await store.addEmailChangeToken(raw: raw, user: id, newEmail: "ann@new.example")
        await store.addEmailChangeToken(raw: racing, user: id, newEmail: "taken@example.com")
        try await R.withRouter(store) { client in
            let cookie = try #require(R.cookie(of: try await Self.signIn(client, "ann@example.com")))
            let taken = try await R.post(client, "/api/portal/auth/confirm-email", #"{"token": "\#(racing)"}"#)
            #expect(taken.status == .conflict)
            let wrongKind = try await R.post(client, "/api/portal/auth/reset-password", #"{"token": "\#(raw)", "password": "\#(R.password)"}"#)
            #expect(wrongKind.status == .badRequest, "an email-change link sets no password")
            let done = try await R.post(client, "/api/portal/auth/confirm-email", #"{"token": "\#(raw)"}"#)
            #expect(done.status == .ok)
            #expect(R.json(done.body)["email"] as? String == "ann@new.example")
            #expect(done.headers[values: .setCookie].first?.contains("Max-Age=0") == true)
            #expect(try await client.execute(uri: "/api/portal/auth/me", method: .get, headers: [.cookie: cookie]).status == .unauthorized)
            let again = try await R.post(client, "/api/portal/auth/confirm-email", #"{"token": "\#(raw)"}"#)
            #expect(again.status == .badRequest)
        }
    }

    @Test func staffChangeAnAddressWithPatch() async throws {
        let store = InMemoryGatewayStore(adminKey: R.adminKey)
        _ = try await store.addUser(email: "typo@example.con", password: nil)
        _ = try await store.addUser(email: "taken@example.com", password: R.password, client: "client-2")
        try await R.withRouter(store) { client in
            func patch(_ body: String) async throws -> TestResponse {
                try await client.execute(
                    uri: "/api/v1/clients/client-1/portal-user", method: .patch,
                    headers: [.authorization: "Bearer \(R.adminKey)", .contentType: "application/json"], body: ByteBuffer(string: body))
            }
            let changed = try await patch(#"{"email": "fixed@example.com"}"#)
            #expect(changed.status == .ok)
            #expect((R.json(changed.body)["portalUser"] as? [String: Any])?["email"] as? String == "fixed@example.com")
            #expect(try await patch(#"{"email": "taken@example.com"}"#).status == .conflict)
            #expect(try await patch(#"{"email": "not an address"}"#).status == .badRequest)
            #expect(try await patch(#"{"email": "a@b.example", "name": "x"}"#).status == .badRequest)
            let unauthorized = try await client.execute(
                uri: "/api/v1/clients/client-1/portal-user", method: .patch, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"email": "a@b.example"}"#))
            #expect(unauthorized.status == .unauthorized)
        }
    }

    @Test func aSignedInVisitorOfTheSignInPageGoesToNext() async throws {
        let store = InMemoryGatewayStore(adminKey: R.adminKey)
        _ = try await store.addUser(email: "ann@example.com", password: R.password)
        try await R.withRouter(store) { client in
            let cookie = try #require(R.cookie(of: try await Self.signIn(client, "ann@example.com")))
            let page = try await client.execute(uri: "/portal/login?next=/invoices/7", method: .get, headers: [.cookie: cookie])
            #expect(page.status == .seeOther)
            #expect(page.headers[.location] == "/invoices/7")
            let foreign = try await client.execute(uri: "/portal/login?next=https://evil.example", method: .get, headers: [.cookie: cookie])
            #expect(foreign.headers[.location] == "/portal")
        }
    }

    @Test func theConfirmEmailPageIsServedAndItsScriptToo() async throws {
        let store = InMemoryGatewayStore(adminKey: R.adminKey)
        try await R.withRouter(store) { client in
            let page = try await client.execute(uri: "/portal/confirm-email", method: .get)
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("confirm-email.js"))
            #expect(try await client.execute(uri: "/portal/assets/confirm-email.js", method: .get).status == .ok)
        }
    }

    @Test func rememberTTLIsBoundedBySessionTTLAndNinetyDays() throws {
        let base = [
            "DATABASE_URL": "host=/nowhere dbname=none", "PORTAL_JWT_SECRET": "router-test-jwt-secret-0123456789abcdefgh",
        ]
        #expect(try GatewayConfig.load(environment: base).rememberTTL == 30 * 86400)
        #expect(try GatewayConfig.load(environment: base.merging(["PORTAL_REMEMBER_TTL": "7d"]) { $1 }).rememberTTL == 7 * 86400)
        #expect(throws: (any Error).self) { try GatewayConfig.load(environment: base.merging(["PORTAL_REMEMBER_TTL": "91d"]) { $1 }) }
        #expect(throws: (any Error).self) { try GatewayConfig.load(environment: base.merging(["PORTAL_REMEMBER_TTL": "1h"]) { $1 }) }
    }
}
