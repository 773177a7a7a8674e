import Foundation
@testable import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PQ
import PortalCore
import PortalCrypto
import TestSupport
import Testing

/// The store a router test runs on. The in-memory store always; the real one (`AuthStore` over
/// Postgres, as `portal_gateway`) as well when the test database is there, so the fake is held to
/// the answers of the store it stands in for.
enum StoreKind: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case inMemory = "in-memory"
    case postgres

    /// `.inMemory`, and `.postgres` when `PORTAL_TEST_DATABASE_URL` names a migrated database.
    static var available: [StoreKind] { TestEnvironment.hasDatabase ? [.inMemory, .postgres] : [.inMemory] }

    var testDescription: String { rawValue }

    func fixture() throws -> any RouterStoreFixture {
        switch self {
        case .inMemory: InMemoryRouterFixture()
        case .postgres: try PostgresRouterFixture()
        }
    }
}

/// What a router test seeds, and the gateway it then talks to, on one kind of store. Every name
/// it makes is unique, since the test database is shared by other suites.
protocol RouterStoreFixture: Sendable {
    /// The port every seeded client belongs to (the `X-Portal-Port-Id` of their sessions).
    var portID: String { get }
    /// A raw admin key of that port.
    var adminKey: String { get }
    /// A portal user with `email` in a client of its own: active with `password`, or invited
    /// (no password) when it is nil. Returns the user's id.
    func addUser(email: String, password: String?) async throws -> String
    /// Seals the invited `user`'s activation token so that `raw` is its link's token.
    func addActivationToken(raw: String, user: String) async throws
    /// The gateway's `DATABASE_URL` (none is reached on the in-memory store).
    var databaseURL: String { get }
    /// The gateway's dependencies on this store, with `config`.
    func dependencies(config: GatewayConfig, logger: Logger) throws -> GatewayDependencies
}

extension RouterStoreFixture {
    /// An address in `example.com` no other test has used.
    func uniqueEmail(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(12).lowercased())@example.com"
    }

    /// A client id no other test has used.
    func uniqueClientID(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(12).lowercased())"
    }

    /// A raw token of the shape the mailer mails (43 characters of base64url), unique.
    func uniqueRawToken() -> String {
        Base64.encodeURL(Digest.randomBytes(32))
    }
}

struct InMemoryRouterFixture: RouterStoreFixture {
    let store: InMemoryGatewayStore
    let adminKey = GatewayRouterTests.adminKey
    var portID: String { store.port }
    let databaseURL = "host=/nowhere dbname=none"

    init() {
        store = InMemoryGatewayStore(adminKey: adminKey)
    }

    func addUser(email: String, password: String?) async throws -> String {
        try await store.addUser(email: email, password: password, client: uniqueClientID("client"))
    }

    func addActivationToken(raw: String, user: String) async throws {
        await store.addToken(raw: raw, user: user, type: .activation)
    }

    func dependencies(config: GatewayConfig, logger: Logger) throws -> GatewayDependencies {
        try GatewayDependencies(config: config, store: store, logger: logger)
    }
}

/// The real store: the gateway connects as `portal_gateway`, exactly as deployed; seeding goes
/// through the `portal_api` functions as the superuser (what a DBA, the CRM or the mailer does).
/// Its port and key are made on a short-lived connection; the seeding after that runs on a pool,
/// so a slow statement does not hold one of the few threads every test in the process shares.
struct PostgresRouterFixture: RouterStoreFixture {
    let db: ConnectionPool
    let portID: String
    let adminKey: String
    let superuserURL: String
    var databaseURL: String { superuserURL + " user=portal_gateway" }

    init() throws {
        superuserURL = try TestEnvironment.databaseURL()
        let setup = try Connection(conninfo: superuserURL)
        portID = try #require(try setup.query("select portal_api.create_port('Test Marina')").scalar())
        adminKey = try #require(try setup.query("select portal_api.create_admin_key($1, 'router tests')", [portID]).scalar())
        db = ConnectionPool(conninfo: superuserURL, size: 1, applicationName: "portal-auth-router-tests")
    }

    func addUser(email: String, password: String?) async throws -> String {
        let client: String = try #require(try await db.query("select portal_api.create_client($1, 'Router Test Client')", [portID]).scalar())
        guard let password else {
            return try #require(try await db.query("select portal_api.invite($1, $2, 'Test User')", [client, email]).scalar())
        }
        // The hash the gateway itself would store, at the scrypt setting it runs with.
        let hash = try PasswordHash.make(password: password, parameters: try GatewayRouterTests.config(databaseURL: databaseURL).scrypt)
        let id = uniqueClientID("user")
        try await db.query("""
            select portal_api.import_portal_user($1, $2, $3, $4, $5, 'Test User', true, null, 'router tests', null)
            """, [id, portID, client, email, hash])
        return id
    }

    func addActivationToken(raw: String, user: String) async throws {
        let id: String = try #require(try await db.query("""
            select id from portal.portal_auth_tokens
             where portal_user_id = $1 and type = 'activation' and used_at is null and revoked_at is null
            """, [user]).scalar())
        try await db.query("select portal_api.seal_token($1, $2)", [id, TokenKey.hash(rawToken: raw)])
    }

    func dependencies(config: GatewayConfig, logger: Logger) throws -> GatewayDependencies {
        try GatewayDependencies(config: config, logger: logger)
    }
}

/// A test client that sends every request from `address` (`X-Forwarded-For`, trusted in these
/// tests): each test has a rate-limit key of its own, so tests sharing one database never spend
/// each other's per-address limits.
struct ForwardedClient: TestClientProtocol {
    let client: any TestClientProtocol
    let address: String

    var port: Int? { client.port }

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        var headers = headers
        if headers[.xForwardedFor] == nil { headers[.xForwardedFor] = address }
        return try await client.executeRequest(uri: uri, method: method, headers: headers, body: body)
    }

    static func randomAddress() -> String {
        "10.\(UInt8.random(in: 0...255)).\(UInt8.random(in: 0...255)).\(UInt8.random(in: 1...254))"
    }
}
