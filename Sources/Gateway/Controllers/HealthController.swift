import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PortalCore

/// `GET /healthz` (the process answers, without touching the database or the hash pool) and
/// `GET /readyz` (the database answers).
struct HealthController: Sendable {
    let store: any GatewayStore

    /// The two answers are constants: encoded once, not per probe.
    private static let ok = ByteBuffer(string: #"{"status":"ok"}"#)
    private static let ready = ByteBuffer(string: #"{"status":"ready"}"#)

    private static func answer(_ body: ByteBuffer) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
    }

    func register(on router: Router<PortalRequestContext>) {
        router.get("healthz") { _, _ in Self.answer(Self.ok) }
        router.get("readyz") { _, _ in
            do {
                try await store.ping()
                return Self.answer(Self.ready)
            } catch {
                throw PortalError.unavailable()
            }
        }
    }
}
