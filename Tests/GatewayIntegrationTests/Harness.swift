import Foundation
@testable import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PQ
import PortalCore
import PortalCrypto
import Testing

/// A gateway on a random port against the test database (as `portal_gateway`), with fast,
/// test-sized scrypt unless a test asks for more.
enum Harness {
    static let origin = "https://portal.test"
    static let jwtSecret = "test-jwt-secret-0123456789abcdefghijklmnop"
    static let tokenSecret = "test-token-key-0123456789abcdefghijklmnopq"

    static func superuserURL() throws -> String {
        try #require(ProcessInfo.processInfo.environment["PORTAL_TEST_DATABASE_URL"],
                     "PORTAL_TEST_DATABASE_URL is not set: run the tests through scripts/test.sh")
    }

    static func config(scrypt: String = "ln=10,r=8,p=1", workers: Int = 2, queue: Int = 64, pool: Int = 4) throws -> GatewayConfig {
        try GatewayConfig.load(environment: [
            "DATABASE_URL": try superuserURL() + " user=portal_gateway",
            "PORTAL_BASE_URL": origin,
            "PORTAL_JWT_SECRET": jwtSecret,
            "PORTAL_TOKEN_KEY": tokenSecret,
            "PORTAL_SCRYPT": scrypt,
            "PORTAL_HASH_WORKERS": String(workers),
            "PORTAL_HASH_QUEUE": String(queue),
            "PORTAL_DB_POOL": String(pool),
            "PORTAL_TRUST_FORWARDED_FOR": "true",
            "HOST": "127.0.0.1",
            "PORT": "0",
        ])
    }

    /// Runs `body` against a live gateway.
    static func withGateway<T: Sendable>(_ config: GatewayConfig? = nil, _ body: @Sendable (Gateway) async throws -> T) async throws -> T {
        let config = try config ?? Self.config()
        var logger = Logger(label: "test.gateway")
        logger.logLevel = .warning
        let dependencies = try GatewayDependencies(config: config, logger: logger)
        defer { dependencies.shutdown() }
        let app = buildApplication(dependencies, logger: logger)
        return try await app.test(.live) { client in
            try await body(Gateway(port: try #require(client.port), config: config))
        }
    }

    /// A superuser connection for fixtures (what a DBA or the mailer would do).
    static func database() throws -> Connection {
        try Connection(conninfo: try superuserURL())
    }

    static var tokenKey: TokenKey { try! TokenKey(secret: tokenSecret) }
}

/// A test port with an admin key, and helpers to make clients and seal their tokens.
struct Fixture {
    let db: Connection
    let portID: String
    let adminKey: String

    init() throws {
        db = try Harness.database()
        portID = try #require(try db.query("select portal_api.create_port('Gateway Test Port')").scalar())
        adminKey = try #require(try db.query("select portal_api.create_admin_key($1, 'tests')", [portID]).scalar())
    }

    func client(name: String = "Client") throws -> String {
        try #require(try db.query("select portal_api.create_client($1, $2)", [portID, name]).scalar())
    }

    /// Seals the live token of `type` for the user with `email`, as the mailer would, and returns the raw token.
    func sealedToken(email: String, type: TokenType) throws -> String {
        let id: String = try #require(try db.query("""
            select t.id from portal.portal_auth_tokens t join portal.portal_users u on u.id = t.portal_user_id
             where u.email = $1 and t.type = $2 and t.used_at is null and t.revoked_at is null
            """, [email, type.rawValue]).scalar())
        let raw = Harness.tokenKey.rawToken(tokenID: id)
        try db.query("select portal_api.seal_token($1, $2)", [id, TokenKey.hash(rawToken: raw)])
        return raw
    }

    static func uniqueEmail(_ prefix: String = "user") -> String {
        "\(prefix)-\(UUID().uuidString.prefix(12).lowercased())@example.com"
    }
}

/// A client of the live gateway: each call opens its own connection, so calls can run in parallel.
struct Gateway: Sendable {
    let port: Int
    let config: GatewayConfig
    /// The client address the gateway sees (X-Forwarded-For is trusted in tests), so tests do
    /// not share per-address rate limits. nil: no `X-Forwarded-For` (the loopback peer itself).
    var ip: String? = "10.\(UInt8.random(in: 0...255)).\(UInt8.random(in: 0...255)).\(UInt8.random(in: 1...254))"

    struct Reply: Sendable {
        let status: Int
        let headers: HTTPFields
        let body: String

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        /// `name=value` of the session cookie set by this reply.
        var sessionCookie: String? {
            headers[values: .setCookie].first { $0.hasPrefix("__Host-portal_session=") }
                .map { String($0.split(separator: ";")[0]) }
        }
    }

    func send(
        _ method: HTTPRequest.Method, _ path: String, json: String? = nil, cookie: String? = nil,
        origin: String? = Harness.origin, headers extra: HTTPFields = [:], contentType: String? = "application/json"
    ) async throws -> Reply {
        var headers = extra
        if let ip { headers[.xForwardedFor] = ip }
        if let cookie { headers[.cookie] = cookie }
        if let origin { headers[.origin] = origin }
        if json != nil, let contentType { headers[.contentType] = contentType }
        let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(60)))
        client.connect()
        defer { Task { try? await client.shutdown() } }
        let response = try await client.execute(.init(
            path, method: method, authority: "127.0.0.1", headers: headers, body: json.map { ByteBuffer(string: $0) }))
        return Reply(status: response.status.code, headers: response.headers, body: response.body.map { String(buffer: $0) } ?? "")
    }

    func post(_ path: String, _ json: String? = nil, cookie: String? = nil) async throws -> Reply {
        try await send(.post, path, json: json ?? "{}", cookie: cookie)
    }

    func get(_ path: String, cookie: String? = nil, headers: HTTPFields = [:]) async throws -> Reply {
        try await send(.get, path, cookie: cookie, headers: headers)
    }

    /// Admin API call with a bearer key.
    func admin(_ method: HTTPRequest.Method, _ path: String, key: String, json: String? = nil) async throws -> Reply {
        try await send(method, path, json: json, origin: nil, headers: [.authorization: "Bearer \(key)"])
    }

    func signIn(_ email: String, _ password: String) async throws -> Reply {
        try await post("/api/portal/auth/sign-in", #"{"email": "\#(email)", "password": "\#(password)"}"#)
    }
}

/// JSON string literal escaping for test bodies.
func quoted(_ text: String) -> String {
    String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
}
