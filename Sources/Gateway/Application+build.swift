import Hummingbird
import Logging
import PQ

/// The composition root of the gateway: every dependency is built here and handed down.
public func buildApplication(
    pool: ConnectionPool, host: String, port: Int, logger: Logger
) -> some ApplicationProtocol {
    let router = buildRouter(pool: pool)
    return Application(
        router: router,
        configuration: .init(address: .hostname(host, port: port), serverName: nil),
        logger: logger
    )
}

/// The routes: operations first, then the portal and admin controllers.
public func buildRouter(pool: ConnectionPool) -> Router<BasicRequestContext> {
    let router = Router()
    HealthController(pool: pool).register(on: router)
    return router
}
