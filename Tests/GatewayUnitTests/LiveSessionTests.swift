import Foundation
@testable import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PortalCore
import PortalCrypto
import Testing

/// Sessions the gateway issued, and only those, pass the session check: the cookie carries the
/// id and expiry the store recorded, and a well-signed cookie for a session never issued is
/// refused like any other.
@Suite struct LiveSessionTests {
    typealias Router = GatewayRouterTests

    /// A signer with the router's secret and issuer: it mints cookies the gateway's own
    /// verification accepts, as a holder of `PORTAL_JWT_SECRET` could.
    static func signer() throws -> SessionSigner {
        let config = try Router.config()
        return try SessionSigner(secret: config.jwtSecret, issuer: config.baseOrigin)
    }

    static func claims(ofCookie cookie: String) throws -> SessionClaims {
        let token = String(cookie.split(separator: "=", maxSplits: 1)[1])
        return try #require(try signer().verify(token))
    }

    @Test func theCookieCarriesTheSessionTheStoreRecorded() async throws {
        let store = InMemoryGatewayStore(adminKey: Router.adminKey)
        let id = try await store.addUser(email: "rec@example.com", password: Router.password)
        try await Router.withRouter(store) { client in
            let signIn = try await Router.post(client, "/api/portal/auth/sign-in", #"{"email": "rec@example.com", "password": "\#(Router.password)"}"#)
            let claims = try Self.claims(ofCookie: try #require(Router.cookie(of: signIn)))
            let recorded = try #require(await store.sessions[claims.jti], "the cookie's jti is a recorded session")
            #expect(recorded.user == id)
            #expect(recorded.epoch == claims.sv)
            #expect(recorded.expiresAt == claims.exp)
        }
    }

    @Test func aWellSignedCookieForASessionNeverIssuedIsRefused() async throws {
        let store = InMemoryGatewayStore(adminKey: Router.adminKey)
        _ = try await store.addUser(email: "forge@example.com", password: Router.password)
        try await Router.withRouter(store) { client in
            let signIn = try await Router.post(client, "/api/portal/auth/sign-in", #"{"email": "forge@example.com", "password": "\#(Router.password)"}"#)
            let genuine = try #require(Router.cookie(of: signIn))
            let claims = try Self.claims(ofCookie: genuine)
            // The right user, client, port and epoch, a valid signature and lifetime: only the jti
            // was never issued.
            let forged = SessionClaims(
                sub: claims.sub, cid: claims.cid, pid: claims.pid, sv: claims.sv, jti: Base64.encodeURL(Digest.randomBytes(16)),
                iat: claims.iat, exp: claims.exp, iss: claims.iss, aud: claims.aud)
            let name = genuine.split(separator: "=", maxSplits: 1)[0]
            let cookie = "\(name)=\(try Self.signer().sign(forged))"

            #expect(try await client.execute(uri: "/api/portal/auth/me", method: .get, headers: [.cookie: genuine]).status == .ok)
            let me = try await client.execute(uri: "/api/portal/auth/me", method: .get, headers: [.cookie: cookie])
            #expect(me.status == .unauthorized)
            #expect(Router.json(me.body)["error"].flatMap { ($0 as? [String: Any])?["code"] as? String } == "unauthenticated")
            let session = try await client.execute(uri: "/api/portal/auth/session", method: .get, headers: [.cookie: cookie])
            #expect(session.status == .unauthorized)
            let change = try await Router.post(
                client, "/api/portal/auth/change-password",
                #"{"currentPassword": "\#(Router.password)", "newPassword": "Another harbour at dawn 7"}"#, cookie: cookie)
            #expect(change.status == .unauthorized)
        }
    }

    @Test func signingOutEverywhereEndsTheOtherSessionsAndAPasswordChangeKeepsOnlyTheNewOne() async throws {
        let store = InMemoryGatewayStore(adminKey: Router.adminKey)
        _ = try await store.addUser(email: "two@example.com", password: Router.password)
        try await Router.withRouter(store) { client in
            let body = #"{"email": "two@example.com", "password": "\#(Router.password)"}"#
            let first = try #require(Router.cookie(of: try await Router.post(client, "/api/portal/auth/sign-in", body)))
            let second = try #require(Router.cookie(of: try await Router.post(client, "/api/portal/auth/sign-in", body)))
            func me(_ cookie: String) async throws -> HTTPResponse.Status {
                try await client.execute(uri: "/api/portal/auth/me", method: .get, headers: [.cookie: cookie]).status
            }

            let changed = try await Router.post(
                client, "/api/portal/auth/change-password",
                #"{"currentPassword": "\#(Router.password)", "newPassword": "Another harbour at dawn 7"}"#, cookie: first)
            #expect(changed.status == .ok)
            let renewed = try #require(Router.cookie(of: changed))
            #expect(try await me(first) == .unauthorized)
            #expect(try await me(second) == .unauthorized)
            #expect(try await me(renewed) == .ok)
            #expect(await store.sessions.count == 1, "only the caller's new session is left")

            #expect(try await Router.post(client, "/api/portal/auth/sign-out?scope=all", "{}", cookie: renewed).status == .noContent)
            #expect(try await me(renewed) == .unauthorized)
            #expect(await store.sessions.isEmpty)
        }
    }
}
