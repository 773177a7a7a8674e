import Foundation
import HTTPTypes
import Hummingbird
import PQ
import PortalCore

/// `GET /healthz` (the process answers, without touching the database or the hash pool) and
/// `GET /readyz` (the database answers).
struct HealthController: Sendable {
    let pool: ConnectionPool

    struct Status: Encodable {
        let status: String
    }

    func register(on router: Router<PortalRequestContext>) {
        router.get("healthz") { _, _ in Response.json(Status(status: "ok")) }
        router.get("readyz") { _, _ in
            do {
                try await pool.query("select 1")
                return Response.json(Status(status: "ready"))
            } catch {
                throw PortalError.unavailable()
            }
        }
    }
}
