import Foundation
import HTTPTypes
import PQ
@testable import Gateway
import PortalCore
import PortalCrypto
import TestSupport
import Testing

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh")) struct SecurityTests {
    static let password = PortalFlowTests.goodPassword

    /// Every variant of a forged or stale cookie is refused by /me.
    @Test func forgedSessionTokensAreRefused() async throws {
        let fixture = try Fixture()
        let email = try await FlowSupport.activatedUser(fixture, password: Self.password)
        try await Harness.withGateway { gateway in
            let cookie = try #require(try await gateway.signIn(email, Self.password).sessionCookie)
            let jwt = String(cookie.dropFirst("__Host-portal_session=".count))
            let parts = jwt.split(separator: ".").map(String.init)
            let claims = try #require(try JSONSerialization.jsonObject(with: Data(Base64.decodeURL(parts[1])!)) as? [String: Any])

            func encode(_ object: [String: Any]) -> String {
                Base64.encodeURL(Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])))
            }
            func hs256(_ header: [String: Any], _ payload: [String: Any], key: String = Harness.jwtSecret) -> String {
                let input = "\(encode(header)).\(encode(payload))"
                return input + "." + Base64.encodeURL(Digest.hmacSHA256(key: Array(key.utf8), data: Array(input.utf8)))
            }
            var expired = claims
            expired["exp"] = Int(Date().timeIntervalSince1970) - 10
            var otherAudience = claims
            otherAudience["aud"] = "someone-else"
            var otherUser = claims
            otherUser["sub"] = "00000000-0000-0000-0000-000000000000"
            // Signed with the real secret, the right user and epoch: only the session was never issued.
            var neverIssued = claims
            neverIssued["jti"] = Base64.encodeURL(Digest.randomBytes(16))
            let hs512Input = "\(encode(["alg": "HS512", "typ": "JWT"])).\(parts[1])"

            let forgeries: [String: String] = [
                "alg none": "\(encode(["alg": "none", "typ": "JWT"])).\(parts[1]).",
                "alg none with the real MAC": "\(encode(["alg": "none"])).\(parts[1]).\(parts[2])",
                "HS512 header": hs512Input + "." + parts[2],
                "another key": hs256(["alg": "HS256", "typ": "JWT"], claims, key: "another-secret-that-is-long-enough-0123456789"),
                "tampered payload": "\(parts[0]).\(encode(otherUser)).\(parts[2])",
                "expired": hs256(["alg": "HS256", "typ": "JWT"], expired),
                "wrong audience": hs256(["alg": "HS256", "typ": "JWT"], otherAudience),
                "a session never issued": hs256(["alg": "HS256", "typ": "JWT"], neverIssued),
                "garbage": "not.a.jwt",
                "empty": "",
            ]
            #expect(try await gateway.get("/api/portal/auth/me", cookie: cookie).status == 200, "the genuine cookie works")
            for (name, token) in forgeries {
                let reply = try await gateway.get("/api/portal/auth/me", cookie: "__Host-portal_session=\(token)")
                #expect(reply.status == 401, "\(name) must be refused")
                #expect(reply.errorCode == "unauthenticated")
            }
        }
    }

    /// Unknown email, wrong password, not activated, disabled, locked: one body, one status.
    @Test func everySignInFailureLooksTheSame() async throws {
        let fixture = try Fixture()
        let active = try await FlowSupport.activatedUser(fixture, password: Self.password)
        let disabled = try await FlowSupport.activatedUser(fixture, password: Self.password)
        let locked = try await FlowSupport.activatedUser(fixture, password: Self.password)
        let invited = Fixture.uniqueEmail("invited")
        _ = try fixture.db.query("select portal_api.invite($1, $2)", [try fixture.client(), invited])
        try fixture.db.query("""
            select portal_api.disable_portal_user(client_id) from portal.portal_users where email = $1
            """, [disabled])
        try fixture.db.query("update portal.portal_users set locked_until = now() + interval '1 hour' where email = $1", [locked])
        try await Harness.withGateway { gateway in
            let replies = [
                try await gateway.signIn(Fixture.uniqueEmail("unknown"), Self.password),
                try await gateway.signIn(active, "wrong password entirely"),
                try await gateway.signIn(invited, Self.password),
                try await gateway.signIn(disabled, Self.password),
                try await gateway.signIn(locked, Self.password),
            ]
            for reply in replies {
                #expect(reply.status == 401)
                #expect(reply.body == replies[0].body)
                #expect(reply.sessionCookie == nil)
            }
            #expect(replies[0].errorCode == "invalid_credentials")

            let known = try await gateway.post("/api/portal/auth/forgot-password", #"{"email": "\#(active)"}"#)
            let unknown = try await gateway.post("/api/portal/auth/forgot-password", #"{"email": "\#(Fixture.uniqueEmail("nobody"))"}"#)
            #expect(known.status == 200 && unknown.status == 200)
            #expect(known.body == unknown.body)
        }
    }

    /// Known vs unknown email: latency medians within 10 % (scrypt sized to dominate: ln=14).
    /// The scrypt work itself is counted (`SignInWorkTests`: one run at the current parameters
    /// either way); what only a clock shows is the rest, the database's calls for each side.
    @Test func signInLatencyDoesNotRevealWhetherAnEmailExists() async throws {
        let fixture = try Fixture()
        let config = try Harness.config(scrypt: "ln=14,r=8,p=1", workers: 2, queue: 64)
        let email = try await FlowSupport.activatedUser(fixture, password: Self.password, config: config)
        try await Harness.withGateway(config) { gateway in
            var known: [Double] = []
            var unknown: [Double] = []
            for round in 0..<36 {
                var caller = gateway
                caller.ip = "10.77.\(round / 200).\(round % 200 + 1)"
                // Alternate, so drift in machine load hits both sides alike.
                for side in (round % 2 == 0 ? [true, false] : [false, true]) {
                    let start = ContinuousClock.now
                    let reply = try await caller.signIn(side ? email : Fixture.uniqueEmail("ghost"), "wrong password entirely")
                    let elapsed = ContinuousClock.now - start
                    #expect(reply.status == 401)
                    let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
                    if side { known.append(ms) } else { unknown.append(ms) }
                }
                if round == 4 {
                    // Keep the account below the lockout threshold (a lock would change nothing
                    // visible either, but this test is about the verify path).
                    try fixture.db.query("update portal.portal_users set failed_attempts = 0 where email = $1", [email])
                }
            }
            try fixture.db.query("update portal.portal_users set failed_attempts = 0, locked_until = null where email = $1", [email])
            let medianKnown = median(known.dropFirst(2))
            let medianUnknown = median(unknown.dropFirst(2))
            let ratio = medianKnown / medianUnknown
            #expect(abs(ratio - 1) <= 0.10, "medians \(medianKnown) ms vs \(medianUnknown) ms")
        }
    }

    /// Ten wrong passwords lock the account; while locked even the right one gets the same 401;
    /// after the back-off it works again.
    @Test func bruteForceLocksTheAccountWithoutSayingSo() async throws {
        let fixture = try Fixture()
        let email = try await FlowSupport.activatedUser(fixture, password: Self.password)
        try await Harness.withGateway { gateway in
            var first: String?
            for attempt in 0..<10 {
                var caller = gateway
                caller.ip = "10.66.1.\(attempt + 1)"  // rotating addresses: the per-address limit is not what stops it
                let reply = try await caller.signIn(email, "guess number \(attempt) here")
                #expect(reply.status == 401)
                first = first ?? reply.body
                #expect(reply.body == first)
            }
            let locked = try await gateway.signIn(email, Self.password)
            #expect(locked.status == 401)
            #expect(locked.body == first)
            try fixture.db.query("update portal.portal_users set locked_until = now() - interval '1 second' where email = $1", [email])
            #expect(try await gateway.signIn(email, Self.password).status == 200, "the right password works after the back-off")
        }
    }

    @Test func perAddressFloodGets429WithRetryAfter() async throws {
        try await Harness.withGateway { gateway in
            var statuses: [Int] = []
            var retryAfter: String?
            for _ in 0..<31 {
                let reply = try await gateway.signIn(Fixture.uniqueEmail("flood"), "some password here")
                statuses.append(reply.status)
                if reply.status == 429 { retryAfter = reply.headers[.retryAfter] }
            }
            #expect(statuses.prefix(30).allSatisfy { $0 == 401 })
            #expect(statuses.last == 429)
            #expect(Int(retryAfter ?? "") ?? 0 >= 1)
        }
    }

    /// One slow hash worker and a short queue: excess sign-ins get 503 + Retry-After at once,
    /// and /healthz keeps answering meanwhile. That no scrypt runs off the hash pool (so never on
    /// the event loop) is counted, not timed: `SignInWorkTests`.
    @Test func saturatedWorkerPoolShedsLoadAndHealthStaysFast() async throws {
        let config = try Harness.config(scrypt: "ln=15,r=8,p=1", workers: 1, queue: 2)
        try await Harness.withGateway(config) { gateway in
            async let outcomes: [Int: Int] = withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<12 {
                    var caller = gateway
                    caller.ip = "10.88.0.\(i + 1)"
                    group.addTask { try await caller.signIn(Fixture.uniqueEmail("busy"), "some password here").status }
                }
                return try await group.reduce(into: [Int: Int]()) { $0[$1, default: 0] += 1 }
            }
            try await Task.sleep(for: .milliseconds(100))
            for _ in 0..<20 {
                #expect(try await gateway.get("/healthz").status == 200)
            }
            let result = try await outcomes
            #expect((result[503] ?? 0) >= 1, "past the queue, sign-ins are refused with 503: \(result)")
            #expect((result[401] ?? 0) >= 3, "the worker and the queue are served: \(result)")
        }
        // No queue at all: while the one worker hashes, the others are refused at once.
        let replies = try await Harness.withGateway(try Harness.config(scrypt: "ln=15,r=8,p=1", workers: 1, queue: 0)) { gateway in
            try await withThrowingTaskGroup(of: Gateway.Reply.self) { group in
                for i in 0..<6 {
                    var caller = gateway
                    caller.ip = "10.88.1.\(i + 1)"
                    group.addTask { try await caller.signIn(Fixture.uniqueEmail("q"), "some password here") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        let overloaded = try #require(replies.first { $0.status == 503 }, "statuses: \(replies.map(\.status))")
        #expect(overloaded.status == 503)
        #expect(overloaded.errorCode == "overloaded")
        #expect(overloaded.headers[.retryAfter] == "1")
    }
}

func median(_ values: ArraySlice<Double>) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

enum FlowSupport {
    /// An invited user activated through the gateway with `password`; returns the email.
    static func activatedUser(_ fixture: Fixture, password: String, config: GatewayConfig? = nil) async throws -> String {
        let client = try fixture.client()
        let email = Fixture.uniqueEmail()
        _ = try fixture.db.query("select portal_api.invite($1, $2)", [client, email])
        let token = try fixture.sealedToken(email: email, type: .activation)
        try await Harness.withGateway(config) { gateway in
            let reply = try await gateway.post("/api/portal/auth/activate", #"{"token": "\#(token)", "password": "\#(password)"}"#)
            #expect(reply.status == 200)
        }
        return email
    }
}
