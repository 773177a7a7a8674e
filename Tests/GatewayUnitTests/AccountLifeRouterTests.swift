import Foundation
@testable import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PortalCore
import Testing

/// The admin API's delete, history and X-Portal-Actor over the in-memory store (`.router`).
@Suite struct AccountLifeRouterTests {
    static let auth: HTTPFields = [.authorization: "Bearer \(GatewayRouterTests.adminKey)"]

    static func with(actor: String) -> HTTPFields {
        var headers = auth
        headers[AdminController.actorHeader] = actor
        return headers
    }

    @Test func deleteAnswers204ThenTheClientIsGone() async throws {
        let store = InMemoryGatewayStore(adminKey: GatewayRouterTests.adminKey)
        _ = try await store.addUser(email: "owner@ketch.example", password: GatewayRouterTests.password, client: "crm-9")
        try await GatewayRouterTests.withRouter(store) { client in
            let deleted = try await client.execute(uri: "/api/v1/clients/crm-9", method: .delete, headers: Self.with(actor: "crm-user-3"))
            #expect(deleted.status == .noContent)
            #expect(deleted.body.readableBytes == 0)
            #expect(await store.staffActors == ["crm-user-3"], "the staff user reaches the store")
            let again = try await client.execute(uri: "/api/v1/clients/crm-9", method: .delete, headers: Self.auth)
            #expect(again.status == .notFound)
            #expect(await store.staffActors == ["crm-user-3"])
            let noKey = try await client.execute(uri: "/api/v1/clients/crm-9", method: .delete)
            #expect(noKey.status == .unauthorized)
        }
    }

    @Test func aMalformedStaffActorIs400AndReachesNothing() async throws {
        let store = InMemoryGatewayStore(adminKey: GatewayRouterTests.adminKey)
        _ = try await store.addUser(email: "owner@ketch.example", password: nil, client: "crm-9")
        try await GatewayRouterTests.withRouter(store) { client in
            // (A control character other than a tab cannot travel in a header: HTTPField replaces it.)
            for bad in [String(repeating: "a", count: 201), "bob\tsmith", "bob\u{200B}", "eve\u{202E}x", "\u{FEFF}ann", "", "   "] {
                let refused = try await client.execute(uri: "/api/v1/clients/crm-9", method: .delete, headers: Self.with(actor: bad))
                #expect(refused.status == .badRequest, "\(bad.debugDescription) \(bad.unicodeScalars.map { $0.value })")
                let error = GatewayRouterTests.json(refused.body)["error"] as? [String: Any]
                #expect(error?["code"] as? String == "invalid_request")
            }
            #expect(await store.staffActors.isEmpty, "no refused call reached the store")
            var twice = Self.auth
            twice.append(HTTPField(name: AdminController.actorHeader, value: "ann"))
            twice.append(HTTPField(name: AdminController.actorHeader, value: "bob"))
            #expect(try await client.execute(uri: "/api/v1/clients/crm-9", method: .delete, headers: twice).status == .badRequest,
                    "two claims are none")
            let fine = try await client.execute(uri: "/api/v1/clients/crm-9", method: .delete,
                                                headers: Self.with(actor: "  Zoë Støvring (staff 12)  "))
            #expect(fine.status == .noContent)
            #expect(await store.staffActors == ["Zoë Støvring (staff 12)"], "trimmed, any script")
        }
    }

    @Test func theHistoryChecksItsLimit() async throws {
        let store = InMemoryGatewayStore(adminKey: GatewayRouterTests.adminKey)
        _ = try await store.addUser(email: "owner@ketch.example", password: nil, client: "crm-9")
        try await GatewayRouterTests.withRouter(store) { client in
            let ok = try await client.execute(uri: "/api/v1/clients/crm-9/portal-user/events?limit=500", method: .get, headers: Self.auth)
            #expect(ok.status == .ok)
            #expect(GatewayRouterTests.json(ok.body)["events"] as? [Any] != nil)
            for bad in ["0", "501", "x", "1.5", ""] {
                let refused = try await client.execute(uri: "/api/v1/clients/crm-9/portal-user/events?limit=\(bad)", method: .get,
                                                       headers: Self.auth)
                #expect(refused.status == .badRequest, "limit=\(bad)")
            }
        }
    }
}
