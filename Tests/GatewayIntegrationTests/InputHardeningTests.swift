import Foundation
@testable import Gateway
import HTTPTypes
import TestSupport
import Testing

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh")) struct InputHardeningTests {
    @Test func healthAndReadinessAnswer() async throws {
        try await Harness.withGateway { gateway in
            let health = try await gateway.get("/healthz")
            #expect(health.status == 200)
            #expect(health.json["status"] as? String == "ok")
            #expect(try await gateway.get("/readyz").status == 200)
        }
    }

    @Test func bodiesMustBeJSONObjectsOfAtMost64KiB() async throws {
        try await Harness.withGateway { gateway in
            let path = "/api/portal/auth/sign-in"
            let noType = try await gateway.send(.post, path, json: "{}", contentType: nil)
            #expect(noType.status == 415)
            #expect(noType.errorCode == "unsupported_media_type")
            #expect(try await gateway.send(.post, path, json: "{}", contentType: "text/plain").status == 415)
            #expect(try await gateway.send(.post, path, json: #"{"email":"a@b.co","password":"x"}"#,
                                           contentType: "Application/JSON; charset=utf-8").status == 401)

            let huge = #"{"email": ""# + String(repeating: "a", count: 70_000) + #""}"#
            let tooLarge = try await gateway.send(.post, path, json: huge)
            #expect(tooLarge.status == 413)
            #expect(tooLarge.errorCode == "payload_too_large")

            let cases: [(String, String)] = [
                ("{not json", "The body is not valid JSON."),
                ("[1, 2]", "The body must be a JSON object."),
                (#"{"email": "a@b.co"}"#, "Field 'password' is required."),
                (#"{"email": 42, "password": "x"}"#, "Field 'email' must be a string."),
                (#"{"email": null, "password": "x"}"#, "Field 'email' must not be null."),
                (#"{"email": "not-an-email", "password": "x"}"#, "Field 'email' must be an email address of at most 254 characters."),
                (#"{"email": "\#(String(repeating: "a", count: 300))@example.com", "password": "x"}"#,
                 "Field 'email' must be an email address of at most 254 characters."),
                (#"{"email": "a@b.co", "password": "\#(String(repeating: "p", count: 2000))"}"#, "Field 'password' must be at most 1024 characters."),
                (#"{"email": "a@b.co", "password": "nul\u0000byte"}"#, "Field 'password' must not contain NUL characters."),
                (#"{"email": {"nested": {"deeper": [1]}}, "password": "x"}"#, "Field 'email' must be a string."),
            ]
            for (body, message) in cases {
                let reply = try await gateway.send(.post, path, json: body)
                #expect(reply.status == 400, "\(body.prefix(60))")
                #expect(reply.errorCode == "invalid_request")
                #expect((reply.json["error"] as? [String: Any])?["message"] as? String == message)
            }
            // Invalid UTF-8 is malformed JSON, not a server error.
            let client = gateway
            let invalidUTF8 = try await client.send(.post, path, json: "{\"email\": \"\u{FFFD}\"}".replacingOccurrences(of: "\u{FFFD}", with: "\\udc80"))
            #expect([400].contains(invalidUTF8.status))
        }
    }

    @Test func theOldMagicLinkRoutesAreGone() async throws {
        try await Harness.withGateway { gateway in
            for path in ["/api/portal/auth/request", "/api/portal/auth/verify"] {
                let reply = try await gateway.post(path, #"{"email": "a@b.co"}"#)
                #expect(reply.status == 404)
                #expect(reply.errorCode == "not_found")
                #expect(try await gateway.get(path).status == 404)
            }
        }
    }

    @Test func foreignOriginsAreRefusedAndAllowedOnesGetCORS() async throws {
        let fixture = try Fixture()
        let email = try await FlowSupport.activatedUser(fixture, password: PortalFlowTests.goodPassword)
        try await Harness.withGateway { gateway in
            let foreign = try await gateway.send(.post, "/api/portal/auth/sign-in",
                json: #"{"email": "\#(email)", "password": "\#(PortalFlowTests.goodPassword)"}"#, origin: "https://evil.example")
            #expect(foreign.status == 403)
            #expect(foreign.errorCode == "forbidden_origin")
            #expect(foreign.headers[.accessControlAllowOrigin] == nil)

            let allowed = try await gateway.signIn(email, PortalFlowTests.goodPassword)
            #expect(allowed.status == 200)
            #expect(allowed.headers[.accessControlAllowOrigin] == Harness.origin)
            #expect(allowed.headers[.accessControlAllowCredentials] == "true")
            let cookie = try #require(allowed.sessionCookie)

            let noOrigin = try await gateway.send(.post, "/api/portal/auth/sign-out", json: "{}", cookie: cookie, origin: nil)
            #expect(noOrigin.status == 403, "a cookie-bearing state change without Origin is refused")
            #expect(try await gateway.get("/api/portal/auth/me", cookie: cookie).status == 200, "and the session lives on")

            let preflight = try await gateway.send(.options, "/api/portal/auth/sign-in", headers: [.accessControlRequestMethod: "POST"])
            #expect(preflight.status == 204)
            #expect(preflight.headers[.accessControlAllowMethods]?.contains("POST") == true)
            let foreignPreflight = try await gateway.send(.options, "/api/portal/auth/sign-in", origin: "https://evil.example")
            #expect(foreignPreflight.status == 403)
        }
    }

    @Test func securityHeadersAreOnEveryResponse() async throws {
        try await Harness.withGateway { gateway in
            for reply in [try await gateway.get("/healthz"), try await gateway.get("/nope"), try await gateway.post("/api/portal/auth/sign-in", "{")] {
                #expect(reply.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                #expect(reply.headers[.xContentTypeOptions] == "nosniff")
                #expect(reply.headers[.xFrameOptions] == "DENY")
                #expect(reply.headers[.referrerPolicy] == "no-referrer")
                #expect(reply.headers[.cacheControl] == "no-store")
                #expect(reply.headers[.strictTransportSecurity] != nil, "the base URL is https")
                #expect(reply.headers[.xRequestID]?.isEmpty == false, "a request id to match the logs")
            }
        }
    }

    @Test func tokenEndpointsRefuseMalformedTokensWithoutServerErrors() async throws {
        try await Harness.withGateway { gateway in
            let status = try await gateway.post("/api/portal/auth/token-status", #"{"token": "'; drop table portal.portal_users; --"}"#)
            #expect(status.status == 200)
            #expect(status.json["status"] as? String == "invalid")
            let reset = try await gateway.post("/api/portal/auth/reset-password", #"{"token": "short", "password": "Long enough password 123"}"#)
            #expect(reset.status == 400)
            #expect(reset.errorCode == "invalid_token")
            let unknown = try await gateway.post("/api/portal/auth/activate",
                #"{"token": "\#(String(repeating: "A", count: 43))", "password": "Long enough password 123"}"#)
            #expect(unknown.status == 400)
            #expect(unknown.errorCode == "invalid_token")
            let missing = try await gateway.post("/api/portal/auth/activate", #"{"password": "Long enough password 123"}"#)
            #expect(missing.status == 400)
            #expect(try await gateway.get("/api/portal/auth/me").status == 401)
        }
    }
}

