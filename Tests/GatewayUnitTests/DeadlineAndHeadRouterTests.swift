import Foundation
@testable import Gateway
import HTTPTypes
import HummingbirdTesting
import PQ
import PortalCore
import Testing

/// A deadline of the database role is a 503 with Retry-After, and HEAD answers like GET without a
/// body — over the whole router and an in-memory store. No database.
@Suite struct DeadlineAndHeadRouterTests {
    @Test(arguments: ["55P03", "57014"])
    func aDeadlineOfTheRoleIsUnavailableWithRetryAfter(sqlState: String) throws {
        let error = PortalError.from(PQError(kind: .query, sqlState: sqlState, message: "canceling statement due to lock timeout"))
        #expect(error.reason == .unavailable)
        #expect(error.retryAfter == 1)
        let response = ErrorMiddleware.response(for: error)
        #expect(response.status.code == 503)
        #expect(response.headers[.retryAfter] == "1")
    }

    @Test func headOnTheProbesAndSessionRoutesAnswersLikeGetWithoutABody() async throws {
        try await GatewayRouterTests.withRouter(InMemoryGatewayStore(adminKey: GatewayRouterTests.adminKey)) { client in
            for path in ["/healthz", "/readyz", "/api/portal/auth/me", "/api/portal/auth/session"] {
                let get = try await client.execute(uri: path, method: .get)
                let head = try await client.execute(uri: path, method: .head)
                #expect(head.status == get.status, "HEAD \(path): \(head.status) vs GET \(get.status)")
                #expect(head.status.code != 404 && head.status.code != 405, "HEAD \(path) is served")
                #expect(head.body.readableBytes == 0, "HEAD \(path) has no body")
                #expect(head.headers[.contentType] == get.headers[.contentType])
            }
        }
    }
}
