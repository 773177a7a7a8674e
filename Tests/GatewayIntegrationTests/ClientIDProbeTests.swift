import Foundation
import HTTPTypes
import TestSupport
import Testing

/// `PUT /api/v1/clients/:id` with an id another port holds: 409 without saying whose, every such
/// refusal audited (client_id_refused) and counted per key (client_id_key, 10 an hour), past which
/// the key's PUTs of ids it does not hold answer 429 with Retry-After; an id differing only in
/// case is the same id.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh"))
struct ClientIDProbeTests {
    @Test func probingAnotherPortsClientIDsIsAuditedAndLimited() async throws {
        let north = try Fixture()
        let south = try Fixture()
        let tag = UUID().uuidString.prefix(8).lowercased()
        let southIDs = (1...11).map { "south-\(tag)-\($0)" }
        for id in southIDs {
            try south.db.query("select portal_api.create_client($1, 'South Client', null, $2)", [south.portID, id])
        }
        try await Harness.withGateway { gateway in
            let own = "north-\(tag)"
            #expect(try await gateway.admin(.put, "/api/v1/clients/\(own)", key: north.adminKey, json: #"{"name": "North"}"#).status == 201)

            for id in southIDs.prefix(10) {
                let probe = try await gateway.admin(.put, "/api/v1/clients/\(id)", key: north.adminKey, json: #"{"name": "Probe"}"#)
                #expect(probe.status == 409)
                #expect(probe.errorCode == "id_taken")
                #expect(!probe.body.contains(south.portID), "whose id it is is not said")
            }
            let refused: Int = try #require(try north.db.query(
                "select count(*)::int from portal.auth_events where event = 'client_id_refused' and port_id = $1", [north.portID]).scalar())
            #expect(refused == 10, "each refusal is audited")
            let actors: [String] = try north.db.query(
                "select distinct on_behalf_of from portal.auth_events where event = 'client_id_refused' and port_id = $1",
                [north.portID]).map { try $0.require("on_behalf_of") }
            #expect(actors.count == 1 && actors[0].hasPrefix("admin_key:"), "with the key that asked: \(actors)")

            let limited = try await gateway.admin(.put, "/api/v1/clients/\(southIDs[10])", key: north.adminKey, json: #"{"name": "Probe"}"#)
            #expect(limited.status == 429)
            #expect(limited.errorCode == "rate_limited")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0, "with Retry-After")
            let fresh = try await gateway.admin(.put, "/api/v1/clients/fresh-\(tag)", key: north.adminKey, json: #"{"name": "Fresh"}"#)
            #expect(fresh.status == 429, "an id the key does not hold waits too: a 201 would say nobody holds it")
            let ownUpdate = try await gateway.admin(.put, "/api/v1/clients/\(own)", key: north.adminKey, json: #"{"name": "North Ltd"}"#)
            #expect(ownUpdate.status == 200, "the key's own clients are still updated")
            let southFresh = try await gateway.admin(.put, "/api/v1/clients/fresh-\(tag)", key: south.adminKey, json: #"{"name": "Fresh"}"#)
            #expect(southFresh.status == 201, "another key is not limited")
        }
    }

    @Test func anIDDifferingOnlyInCaseIsTheSameID() async throws {
        let north = try Fixture()
        let south = try Fixture()
        let id = "Case-\(UUID().uuidString)"
        try await Harness.withGateway { gateway in
            #expect(try await gateway.admin(.put, "/api/v1/clients/\(id)", key: north.adminKey, json: #"{"name": "Upper"}"#).status == 201)
            let lower = try await gateway.admin(.put, "/api/v1/clients/\(id.lowercased())", key: north.adminKey, json: #"{"name": "Lower"}"#)
            #expect(lower.status == 409)
            #expect(lower.errorCode == "id_taken")
            let message = try #require((lower.json["error"] as? [String: Any])?["message"] as? String)
            #expect(message.contains("differing only in case") && message.contains(id), "\(message)")
            let other = try await gateway.admin(.put, "/api/v1/clients/\(id.uppercased())", key: south.adminKey, json: #"{"name": "Other"}"#)
            #expect(other.status == 409)
            #expect(!other.body.contains(id), "another port's spelling is not told")
            let count: Int = try #require(try north.db.query(
                "select count(*)::int from portal.clients where lower(id) = lower($1)", [id]).scalar())
            #expect(count == 1)
        }
    }
}
