import Foundation
@testable import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PortalCore
import Testing

/// The gateway's HTTP behaviour through the whole router (every middleware), no socket (`.router`).
/// What the SQL functions guarantee is pgTAP's; what the wire looks like is tested here. Each
/// scenario runs on the in-memory store and, when the test database is there, on the real
/// `AuthStore` as `portal_gateway` (`StoreKind.available`): the same answers from both, or the
/// fake has drifted from the store it stands in for.
@Suite struct GatewayRouterTests {
    static let origin = "https://portal.test"
    static let adminKey = "pak_router_test_key_0123456789"
    static let password = "Harbour lights at dusk 42"

    static func config(databaseURL: String = "host=/nowhere dbname=none", trustForwardedFor: Bool = false) throws -> GatewayConfig {
        try GatewayConfig.load(environment: [
            "DATABASE_URL": databaseURL, "PORTAL_BASE_URL": origin,
            "PORTAL_JWT_SECRET": "router-test-jwt-secret-0123456789abcdefgh", "PORTAL_SCRYPT": "ln=10,r=8,p=1",
            "PORTAL_HASH_WORKERS": "1", "PORTAL_TRUST_FORWARDED_FOR": trustForwardedFor ? "true" : "false",
            // Two connections are plenty for one client's requests, on a cluster every suite shares.
            "PORTAL_DB_POOL": "2",
        ])
    }

    /// Runs `body` against the whole router (every middleware) on `store`.
    static func withRouter(_ store: InMemoryGatewayStore, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var logger = Logger(label: "test.router")
        logger.logLevel = .critical
        let dependencies = try GatewayDependencies(config: try config(), store: store, logger: logger)
        defer { dependencies.shutdown() }
        try await buildApplication(dependencies, logger: logger).test(.router) { client in try await body(client) }
    }

    /// Runs `body` against the whole router on the fixture's store. Requests come from an address
    /// of their own (`X-Forwarded-For`, trusted here), so runs on a shared database do not spend
    /// each other's rate limits.
    static func withRouter(_ fixture: any RouterStoreFixture, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var logger = Logger(label: "test.router")
        logger.logLevel = .critical
        let config = try config(databaseURL: fixture.databaseURL, trustForwardedFor: true)
        let dependencies = try fixture.dependencies(config: config, logger: logger)
        defer { dependencies.shutdown() }
        let address = ForwardedClient.randomAddress()
        try await buildApplication(dependencies, logger: logger).test(.router) { client in
            try await body(ForwardedClient(client: client, address: address))
        }
    }

    static func json(_ body: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }

    static func post(_ client: any TestClientProtocol, _ path: String, _ body: String, cookie: String? = nil,
                     headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json", .origin: origin]
        if let cookie { headers[.cookie] = cookie }
        for field in extra { headers.append(field) }
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    static func cookie(of response: TestResponse) -> String? {
        response.headers[values: .setCookie].first.map { String($0.split(separator: ";")[0]) }
    }

    @Test(arguments: StoreKind.available) func signInThenMeThenTheSessionCheckThenSignOut(_ kind: StoreKind) async throws {
        let fixture = try kind.fixture()
        let email = fixture.uniqueEmail("ann")
        let id = try await fixture.addUser(email: email, password: Self.password)
        let portID = fixture.portID
        // The address as typed: other case, a trailing space.
        let typed = email.uppercased() + " "
        try await Self.withRouter(fixture) { client in
            let signIn = try await Self.post(client, "/api/portal/auth/sign-in", #"{"email": "\#(typed)", "password": "\#(Self.password)"}"#)
            #expect(signIn.status == .ok)
            let cookie = try #require(Self.cookie(of: signIn))
            #expect(signIn.headers[values: .setCookie].first?.contains("HttpOnly; SameSite=Lax") == true)
            let user = Self.json(signIn.body)["user"] as? [String: Any]
            #expect(user?["portName"] as? String == "Test Marina")
            #expect(user?["email"] as? String == email)
            #expect(user?["id"] as? String == id)
            #expect(user?["portId"] as? String == portID)

            let me = try await client.execute(uri: "/api/portal/auth/me", method: .get, headers: [.cookie: cookie])
            #expect(me.status == .ok)
            #expect((Self.json(me.body)["user"] as? [String: Any])?["id"] as? String == id)
            #expect(Self.json(me.body)["user"] as? NSDictionary == user as NSDictionary?, "/me says what sign-in said")

            let session = try await client.execute(uri: "/api/portal/auth/session", method: .get, headers: [.cookie: cookie])
            #expect(session.status == .noContent)
            #expect(session.headers[.portalUserID] == id)
            #expect(session.headers[.portalPortID] == portID)
            #expect(session.body.readableBytes == 0)

            let out = try await Self.post(client, "/api/portal/auth/sign-out", "{}", cookie: cookie)
            #expect(out.status == .noContent)
            #expect(out.headers[values: .setCookie].first?.contains("Max-Age=0") == true)
            #expect(try await client.execute(uri: "/api/portal/auth/me", method: .get, headers: [.cookie: cookie]).status == .unauthorized)
            let refused = try await client.execute(uri: "/api/portal/auth/session", method: .get, headers: [.cookie: cookie])
            #expect(refused.status == .unauthorized)
            #expect(refused.body.readableBytes == 0, "no body for the proxy")
        }
    }

    @Test(arguments: StoreKind.available) func anUnknownEmailAndAWrongPasswordGetTheSameAnswer(_ kind: StoreKind) async throws {
        let fixture = try kind.fixture()
        let email = fixture.uniqueEmail("ann")
        let nobody = fixture.uniqueEmail("bob")
        _ = try await fixture.addUser(email: email, password: Self.password)
        try await Self.withRouter(fixture) { client in
            let wrong = try await Self.post(client, "/api/portal/auth/sign-in", #"{"email": "\#(email)", "password": "not it at all"}"#)
            let unknown = try await Self.post(client, "/api/portal/auth/sign-in", #"{"email": "\#(nobody)", "password": "not it at all"}"#)
            #expect(wrong.status == .unauthorized)
            #expect(wrong.status == unknown.status)
            #expect(Data(buffer: wrong.body) == Data(buffer: unknown.body))
            #expect(wrong.headers[values: .setCookie].isEmpty)
        }
    }

    /// In-memory only: it makes the store refuse on demand (a rate limit, an outage, an internal
    /// failure), which the real store cannot be made to do from a test request.
    @Test func theStoresRefusalsBecomeStatuses() async throws {
        let store = InMemoryGatewayStore(adminKey: Self.adminKey)
        try await Self.withRouter(store) { client in
            await store.limit(seconds: 7)
            let limited = try await Self.post(client, "/api/portal/auth/sign-in", #"{"email": "a@example.com", "password": "x"}"#)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] == "7")
            await store.limit(seconds: 0)

            await store.fail(with: .unavailable(retryAfter: 2))
            let down = try await Self.post(client, "/api/portal/auth/sign-in", #"{"email": "a@example.com", "password": "x"}"#)
            #expect(down.status == .serviceUnavailable)
            #expect(down.headers[.retryAfter] == "2")
            #expect(Self.json(down.body)["error"].flatMap { ($0 as? [String: Any])?["code"] as? String } == "unavailable")
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .serviceUnavailable)
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok, "healthz does not ask the store")

            var broken = PortalError.internalError
            broken.cause = "query sqlstate XX000"
            await store.fail(with: broken)
            let failed = try await client.execute(uri: "/api/portal/auth/me", method: .get, headers: [.cookie: "__Host-portal_session=x"])
            #expect(failed.status == .unauthorized, "an unverifiable cookie never reaches the store")
            let failure = try await Self.post(client, "/api/portal/auth/forgot-password", #"{"email": "a@example.com"}"#)
            #expect(failure.status == .internalServerError)
            #expect(!String(buffer: failure.body).contains("XX000"), "the cause is for the log, not the client")
        }
    }

    @Test(arguments: StoreKind.available) func activationThroughTheRouter(_ kind: StoreKind) async throws {
        let fixture = try kind.fixture()
        let id = try await fixture.addUser(email: fixture.uniqueEmail("new"), password: nil)
        let raw = fixture.uniqueRawToken()
        try await fixture.addActivationToken(raw: raw, user: id)
        try await Self.withRouter(fixture) { client in
            let status = try await Self.post(client, "/api/portal/auth/token-status", #"{"token": "\#(raw)"}"#)
            #expect(Self.json(status.body)["status"] as? String == "valid")
            #expect(Self.json(status.body)["type"] as? String == "activation")
            #expect(Self.json(status.body)["portName"] as? String == "Test Marina", "the page names the marina")
            let weak = try await Self.post(client, "/api/portal/auth/activate", #"{"token": "\#(raw)", "password": "password123"}"#)
            #expect(weak.status.code == 422)
            let repeated = try await Self.post(client, "/api/portal/auth/activate", #"{"token": "\#(raw)", "password": "aaaaaaaaaaaa"}"#)
            #expect(repeated.status.code == 422)
            #expect(String(buffer: repeated.body).contains("repeats the same few characters"), "the reason is shown")
            let again = try await Self.post(client, "/api/portal/auth/token-status", #"{"token": "\#(raw)"}"#)
            #expect(Self.json(again.body)["status"] as? String == "valid", "a weak password leaves the token alive")
            let wrongKind = try await Self.post(client, "/api/portal/auth/reset-password", #"{"token": "\#(raw)", "password": "\#(Self.password)"}"#)
            #expect(wrongKind.status == .badRequest)
            let ok = try await Self.post(client, "/api/portal/auth/activate", #"{"token": "\#(raw)", "password": "\#(Self.password)"}"#)
            #expect(ok.status == .ok)
            #expect((Self.json(ok.body)["user"] as? [String: Any])?["id"] as? String == id)
            let session = try #require(Self.cookie(of: ok), "activation signs the user in")
            #expect(try await client.execute(uri: "/api/portal/auth/me", method: .get, headers: [.cookie: session]).status == .ok)
            let spent = try await Self.post(client, "/api/portal/auth/token-status", #"{"token": "\#(raw)"}"#)
            #expect(Self.json(spent.body)["status"] as? String == "used")
            #expect(Self.json(spent.body)["portName"] == nil, "the marina is named for a valid token only")
            let reused = try await Self.post(client, "/api/portal/auth/activate", #"{"token": "\#(raw)", "password": "\#(Self.password)"}"#)
            #expect(reused.status == .badRequest)
            #expect(Self.json(reused.body)["error"].flatMap { ($0 as? [String: Any])?["code"] as? String } == "invalid_token")
        }
    }

    @Test(arguments: StoreKind.available) func theAdminAPIRegistersAClientAndRendersTheInviteButton(_ kind: StoreKind) async throws {
        let fixture = try kind.fixture()
        let key = fixture.adminKey
        let clientPath = "/api/v1/clients/" + fixture.uniqueClientID("crm")
        let owner = fixture.uniqueEmail("owner")
        let secondOwner = fixture.uniqueEmail("second")
        let portID = fixture.portID
        try await Self.withRouter(fixture) { client in
            let auth: HTTPFields = [.authorization: "Bearer \(key)", .contentType: "application/json"]
            let put = try await client.execute(uri: clientPath, method: .put, headers: auth, body: ByteBuffer(string: #"{"name": "Sloop Ltd"}"#))
            #expect(put.status == .created)
            #expect((Self.json(put.body)["client"] as? [String: Any])?["billingEmail"] is NSNull, "always present")
            let again = try await client.execute(uri: clientPath, method: .put, headers: auth, body: ByteBuffer(string: #"{"name": "Sloop Ltd"}"#))
            #expect(again.status == .ok)
            let state = try await client.execute(uri: clientPath + "/portal-user", method: .get, headers: auth)
            #expect(state.status == .ok)
            let portalUser = Self.json(state.body)["portalUser"] as? [String: Any]
            #expect(portalUser?["state"] as? String == "none")
            #expect(portalUser?["actions"] as? [String] == ["invite"])
            #expect(portalUser?["email"] == nil, "state none has no user fields")
            let invite = try await client.execute(uri: clientPath + "/portal-user", method: .post, headers: auth,
                                                  body: ByteBuffer(string: #"{"email": "\#(owner)"}"#))
            #expect(invite.status == .created)
            let invited = Self.json(invite.body)["portalUser"] as? [String: Any]
            #expect(invited?["actions"] as? [String] == ["resend", "disable"])
            #expect(invited?["state"] as? String == "invited")
            #expect(invited?["email"] as? String == owner)
            #expect(invited?["portId"] as? String == portID)
            #expect(invited?["portalUserId"] is String)
            #expect((invited?["link"] as? [String: Any])?["state"] as? String == "live", "the activation link is out")
            #expect((invited?["link"] as? [String: Any])?["type"] as? String == "activation")
            let after = try await client.execute(uri: clientPath + "/portal-user", method: .get, headers: auth)
            #expect(Self.json(after.body)["portalUser"] as? NSDictionary == invited as NSDictionary?, "the status says what the invite answered")
            let second = try await client.execute(uri: clientPath + "/portal-user", method: .post, headers: auth,
                                                  body: ByteBuffer(string: #"{"email": "\#(secondOwner)"}"#))
            #expect(second.status == .conflict, "a client has one portal user")
            #expect(Self.json(second.body)["error"].flatMap { ($0 as? [String: Any])?["code"] as? String } == "portal_user_exists")
            // invite is an action a status lists, but no ?action=: an invite carries an address.
            let inviteAction = try await client.execute(uri: clientPath + "/portal-user?action=invite", method: .post, headers: auth)
            #expect(inviteAction.status == .badRequest)
            #expect((Self.json(inviteAction.body)["error"] as? [String: Any])?["message"] as? String
                == "Query parameter 'action' must be one of: resend, disable, enable, unlock, revoke-sessions, send-reset.")
            let badID = try await client.execute(uri: "/api/v1/clients/..%2Fx/portal-user", method: .get, headers: auth)
            #expect(badID.status == .badRequest)
            let noKey = try await client.execute(uri: clientPath + "/portal-user", method: .get)
            #expect(noKey.status == .unauthorized)
        }
    }

    @Test(arguments: StoreKind.available) func transportFailuresHaveTheOneErrorBody(_ kind: StoreKind) async throws {
        try await Self.withRouter(try kind.fixture()) { client in
            let wrongType = try await Self.post(client, "/api/portal/auth/sign-in", "email=a", headers: [.contentType: "text/plain"])
            #expect(wrongType.status.code == 415)
            #expect(Self.json(wrongType.body)["error"].flatMap { ($0 as? [String: Any])?["code"] as? String } == "unsupported_media_type")
            let missing = try await client.execute(uri: "/api/nothing-here", method: .get)
            #expect(missing.status == .notFound)
            #expect(Self.json(missing.body)["error"].flatMap { ($0 as? [String: Any])?["code"] as? String } == "not_found")
            let foreign = try await client.execute(uri: "/api/portal/auth/sign-in", method: .post,
                                                   headers: [.contentType: "application/json", .origin: "https://evil.example"],
                                                   body: ByteBuffer(string: "{}"))
            #expect(foreign.status == .forbidden)
        }
    }

    /// Forward auth: the proxy's sub-request is a GET, and it names the client's method. A
    /// state-changing request gets the Origin rule there too; a safe one only the session check.
    @Test(arguments: StoreKind.available) func theSessionCheckAppliesTheOriginRuleToTheMethodTheProxyNames(_ kind: StoreKind) async throws {
        let fixture = try kind.fixture()
        let email = fixture.uniqueEmail("fwd")
        _ = try await fixture.addUser(email: email, password: Self.password)
        try await Self.withRouter(fixture) { client in
            let signIn = try await Self.post(client, "/api/portal/auth/sign-in", #"{"email": "\#(email)", "password": "\#(Self.password)"}"#)
            let cookie = try #require(Self.cookie(of: signIn))
            func check(_ extra: HTTPFields) async throws -> TestResponse {
                var headers: HTTPFields = [.cookie: cookie]
                for field in extra { headers.append(field) }
                return try await client.execute(uri: "/api/portal/auth/session", method: .get, headers: headers)
            }
            let method = HTTPField.Name("X-Original-Method")!
            let forwarded = HTTPField.Name("X-Forwarded-Method")!
            let evil = "https://evil.example"
            #expect(try await check([:]).status == .noContent)
            #expect(try await check([method: "GET", .origin: evil]).status == .noContent)
            let crossSite = try await check([method: "POST", .origin: evil])
            #expect(crossSite.status == .forbidden)
            #expect(crossSite.headers[.cacheControl] == "no-store")
            #expect(crossSite.headers[HTTPField.Name("X-Portal-User-Id")!] == nil)
            #expect(try await check([forwarded: "DELETE", .origin: evil]).status == .forbidden)
            #expect(try await check([method: "post"]).status == .forbidden, "a cookie and no Origin on a POST")
            #expect(try await check([method: "POST", .origin: Self.origin]).status == .noContent)
            #expect(try await check([method: "PUT", .origin: Self.origin]).status == .noContent)
            // A client's own X-Original-Method cannot outvote the method a proxy names in the other header.
            #expect(try await check([method: "GET", forwarded: "POST", .origin: evil]).status == .forbidden)
            #expect(try await check([forwarded: "GET", method: "DELETE", .origin: evil]).status == .forbidden)
            #expect(try await check([method: "GET", forwarded: "GET", .origin: evil]).status == .noContent)
        }
    }
}
