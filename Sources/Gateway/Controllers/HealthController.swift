import Hummingbird
import PQ

/// `GET /healthz` (the process answers) and `GET /readyz` (the database answers).
struct HealthController: Sendable {
    let pool: ConnectionPool

    func register(on router: Router<BasicRequestContext>) {
        router.get("healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        router.get("readyz") { _, _ in
            do {
                try await pool.query("select 1")
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ready"}"#)))
            } catch {
                return Response(status: .serviceUnavailable, headers: [.contentType: "application/json", .retryAfter: "1"],
                                body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"code":"unavailable","message":"The database is not reachable."}}"#)))
            }
        }
    }
}
