import Foundation
@testable import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PortalCore
import Testing

/// What a developer or an operator sees when the gateway says no: the method a route wants, and
/// the reason (and refused origin) in the access log.
@Suite struct RefusalsExplainThemselvesTests {
    /// Log lines, kept in memory.
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [(message: String, metadata: Logger.Metadata)] = []
        func append(_ message: String, _ metadata: Logger.Metadata) { lock.withLock { lines.append((message, metadata)) } }
        func requests() -> [Logger.Metadata] { lock.withLock { lines.filter { $0.message == "request" }.map(\.metadata) } }
    }

    struct Capture: LogHandler {
        let lines: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            lines.append("\(event.message)", metadata.merging(event.metadata ?? [:]) { $1 })
        }
    }

    static func withRouter(_ lines: Lines, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let logger = Logger(label: "test.refusals") { _ in Capture(lines: lines) }
        let store = InMemoryGatewayStore(adminKey: GatewayRouterTests.adminKey)
        let dependencies = try GatewayDependencies(config: try GatewayRouterTests.config(), store: store, logger: logger)
        defer { dependencies.shutdown() }
        try await buildApplication(dependencies, logger: logger).test(.router) { client in try await body(client) }
    }

    @Test func aKnownPathWithAnotherMethodAnswers405WithAllow() async throws {
        try await Self.withRouter(Lines()) { client in
            let get = try await client.execute(uri: "/api/portal/auth/sign-in", method: .get)
            #expect(get.status == .methodNotAllowed)
            #expect(get.headers[.allow] == "POST")
            #expect(String(buffer: get.body).contains(#""code":"method_not_allowed""#))
            let delete = try await client.execute(
                uri: "/api/v1/clients/crm-1/portal-user", method: .delete,
                headers: [.authorization: "Bearer \(GatewayRouterTests.adminKey)"])
            #expect(delete.status == .methodNotAllowed)
            #expect(delete.headers[.allow]?.contains("GET") == true && delete.headers[.allow]?.contains("POST") == true)
            let unknown = try await client.execute(uri: "/api/portal/auth/no-such-thing", method: .get)
            #expect(unknown.status == .notFound, "an unknown path stays 404")
            let noClient = try await client.execute(
                uri: "/api/v1/clients/no-such-client/portal-user", method: .get,
                headers: [.authorization: "Bearer \(GatewayRouterTests.adminKey)"])
            #expect(noClient.status == .notFound, "a handler's own 404 is not turned into a 405")
        }
    }

    @Test func aRefusalsLogLineCarriesItsReasonAndARefusedOrigin() async throws {
        let lines = Lines()
        try await Self.withRouter(lines) { client in
            let foreign = try await client.execute(
                uri: "/api/portal/auth/sign-in", method: .post,
                headers: [.contentType: "application/json", .origin: "https://app.example:3000"], body: ByteBuffer(string: "{}"))
            #expect(foreign.status == .forbidden)
            #expect(foreign.headers[.portalErrorCode] == nil, "the code stays in the body")
            let wrong = try await client.execute(
                uri: "/api/portal/auth/sign-in", method: .post,
                headers: [.contentType: "application/json", .origin: GatewayRouterTests.origin],
                body: ByteBuffer(string: #"{"email": "nobody@example.com", "password": "not the password at all"}"#))
            #expect(wrong.status == .unauthorized)
        }
        let requests = lines.requests()
        #expect(requests.count == 2)
        #expect(requests.first?["status"] == "403")
        #expect(requests.first?["reason"] == "forbidden_origin")
        #expect(requests.first?["origin"] == "https://app.example:3000")
        #expect(requests.last?["reason"] == "invalid_credentials")
        #expect(requests.last?["origin"] == nil, "only a 403 names the origin")
    }
}
