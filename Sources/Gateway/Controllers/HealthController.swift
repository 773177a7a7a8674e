import Foundation
import HTTPTypes
import Hummingbird
import PortalCore

/// `GET /healthz` (the process answers, without touching the database or the hash pool) and
/// `GET /readyz` (the database answers).
struct HealthController: Sendable {
    let store: any GatewayStore

    struct Status: Encodable {
        let status: String
    }

    func register(on router: Router<PortalRequestContext>) {
        router.get("healthz") { _, _ in Response.json(Status(status: "ok")) }
        router.get("readyz") { _, _ in
            do {
                try await store.ping()
                return Response.json(Status(status: "ready"))
            } catch {
                throw PortalError.unavailable()
            }
        }
    }
}
