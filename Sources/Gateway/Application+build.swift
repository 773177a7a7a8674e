import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PQ
import PortalCore
import PortalCrypto
import ServiceLifecycle

/// Everything the gateway is made of, built once from the configuration.
public struct GatewayDependencies: Sendable {
    public let config: GatewayConfig
    /// Nil when the store was given (an in-memory store in tests).
    let pool: ConnectionPool?
    public let hashPool: WorkerPool
    public let service: PortalService
    public let signer: SessionSigner
    let pages: PagesController
    /// Whether the role may call every function the gateway calls (nil on an in-memory store).
    let grants: GrantWatch?

    /// The gateway on Postgres: a pool of `PORTAL_DB_POOL` connections behind an `AuthStore`.
    public init(config: GatewayConfig, logger: Logger) throws {
        let pool = ConnectionPool(
            conninfo: config.databaseURL, size: config.databasePoolSize, applicationName: "portal-auth-gateway",
            prepared: config.databasePrepared,
            preparedSetting: "PORTAL_DB_PREPARED=false", logger: logger)
        try self.init(config: config, store: AuthStore(pool: pool), pool: pool, logger: logger)
    }

    /// The gateway on any store (the tests' in-memory one runs the whole router without a database).
    public init(config: GatewayConfig, store: any GatewayStore, logger: Logger) throws {
        try self.init(config: config, store: store, pool: nil, logger: logger)
    }

    private init(config: GatewayConfig, store: any GatewayStore, pool: ConnectionPool?, logger: Logger) throws {
        self.config = config
        self.pool = pool
        grants = pool.map { pool in GrantWatch(grants: .gateway, logger: logger) { try await RoleGrants.gateway.check(on: pool) } }
        hashPool = WorkerPool(workers: config.hashWorkers, queueLimit: config.hashQueue, name: "hash") { duration in
            GatewayMetrics.hashDuration.record(duration)
        }
        let policy = try PasswordPolicy.shipped(minimumLength: config.passwordMinLength)
        service = PortalService(store: store, hashPool: hashPool, policy: policy, scrypt: config.scrypt, logger: logger)
        pages = try PagesController(passwordMinLength: config.passwordMinLength, catalogue: try Catalogue())
        do {
            signer = try SessionSigner(
                secret: config.jwtSecret, previousSecrets: config.jwtPreviousSecrets, maximumLifetime: max(config.sessionTTL, config.rememberTTL),
                issuer: config.baseOrigin)
        } catch {
            throw ConfigError(error.description)
        }
    }

    /// Says in one line at start-up whether the database answers. The gateway starts either way:
    /// `/readyz` answers 503 until it does (the pool logs the reason once, and the recovery).
    public func checkDatabase(logger: Logger) async {
        let target = Connection.describeTarget(conninfo: config.databaseURL)
        // A role without the gateway's grants reaches the database and fails every call: say
        // which role lacks which grant, and stay not ready (a GRANT fixes it without a restart).
        if let grants, await grants.check() == false {
            logger.warning("database reachable, but not ready: /readyz answers 503 until the role may call the gateway's functions",
                           metadata: ["target": "\(target)"])
            return
        }
        do {
            try await service.ready()
            logger.info("database reachable", metadata: ["target": "\(target)"])
        } catch {
            logger.warning("starting without the database; /readyz answers 503 until it answers", metadata: ["target": "\(target)"])
        }
    }

    /// Counts the stored hashes this gateway's `PORTAL_SCRYPT` refuses (`HashCensus`): throws,
    /// with the count and the fix, when it would refuse most accounts' hashes (unless
    /// `PORTAL_SCRYPT_ALLOW_REFUSED`); warns with the same sentence when it refuses a few. A
    /// database that does not answer yet is not a reason to stay down: the census is skipped.
    public func checkStoredHashes(logger: Logger) async throws {
        guard let pool else { return }
        // A role without the gateway's grants cannot count them either; its sentence was logged.
        if let grants, await grants.isComplete() == false { return }
        let census: HashCensus
        do {
            census = try await AuthStore(pool: pool).hashCensus()
        } catch {
            logger.warning("stored password hashes not counted (the database did not answer)", metadata: ["reason": "\(error)"])
            return
        }
        let verdict = census.verdict(at: config.scrypt)
        guard verdict.refusedUsers > 0 else { return }
        let message = verdict.message(current: config.scrypt)
        if verdict.refusesMost && !config.allowRefusedHashes { throw ConfigError(message) }
        logger.critical("\(message)")
    }

    /// Says at start-up which session keys verify: a retired secret verifies until it is removed,
    /// so every start reminds the operator while one is configured.
    public func announceSessionKeys(logger: Logger) {
        if signer.keyIDs.count > 1 {
            // A retired secret verifies until it is removed: say so at every start, so it is not forgotten.
            logger.notice("previous JWT secrets still verify cookies; remove them once PORTAL_REMEMBER_TTL (the longest session) has passed since the rotation", metadata: [
                "current": "\(signer.currentKeyID)", "previous": "\(signer.keyIDs.dropFirst().joined(separator: ","))",
            ])
        }
    }

    /// The pools as services of the application's service group: closed after the server drained.
    public var services: [any Service] {
        var services: [any Service] = [ClosingService(name: "hash pool", close: hashPool.shutdown)]
        if let pool { services.insert(ClosingService(name: "database pool", close: pool.close), at: 0) }
        return services
    }

    /// Stops the pools' threads (idempotent; the service group does it at a graceful shutdown).
    public func shutdown() {
        pool?.close()
        hashPool.shutdown()
    }
}

/// The composition root of the gateway (as in Hummingbird's todos-postgres example).
public func buildApplication(_ dependencies: GatewayDependencies, logger: Logger) -> some ApplicationProtocol {
    Application(
        router: buildRouter(dependencies),
        // Idle connections (and headers that trickle in) are closed after 30 s.
        server: .http1(configuration: .init(idleTimeout: .seconds(30))),
        configuration: .init(address: .hostname(dependencies.config.host, port: dependencies.config.port), serverName: nil),
        services: dependencies.services,
        logger: logger
    )
}

/// Middleware outermost first, then operations, the portal API, the admin API and the pages.
public func buildRouter(_ dependencies: GatewayDependencies) -> Router<PortalRequestContext> {
    let config = dependencies.config
    // HEAD answers like GET without the body on every GET route (monitors and proxies probe
    // /healthz, /readyz, /me and /session with it); routes with their own HEAD (pages) keep it.
    let router = Router(context: PortalRequestContext.self, options: .autoGenerateHeadEndpoints)
    // Metrics first: they count the status every client received, the Origin check's 403s too.
    router.add(middleware: HTTPMetricsMiddleware())
    // Access log: method, path, status and duration — never the query, headers or bodies.
    router.add(middleware: AccessLogMiddleware())
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: SecurityHeadersMiddleware(https: config.baseURL.hasPrefix("https://")))
    router.add(middleware: OriginMiddleware(allowedOrigins: config.allowedOrigins, cookieName: config.cookieName))
    router.add(middleware: HeadMiddleware())
    let pages = dependencies.pages
    router.add(middleware: ErrorMiddleware(notFoundPage: { request in pages.notFoundPage(for: request) }))
    let routes = RouteTable()
    router.add(middleware: MethodNotAllowedMiddleware(routes: routes))

    _ = GatewayMetrics.registry
    // One readiness probe: /readyz and /metrics' portal_database_up share its round trips.
    let health = HealthController(service: dependencies.service, grants: dependencies.grants)
    health.register(on: router)
    MetricsController(service: dependencies.service, readiness: health.readiness, token: config.metricsToken).register(on: router)
    let sessions = SessionCookie(
        signer: dependencies.signer, name: config.cookieName, ttl: config.sessionTTL, rememberTTL: config.rememberTTL,
        service: dependencies.service)
    AuthController(
        service: dependencies.service, sessions: sessions,
        trustedProxyHops: config.trustForwardedFor ? config.trustedProxyHops : 0,
        originRule: OriginRule(allowedOrigins: config.allowedOrigins, cookieName: config.cookieName),
        pageLanguage: dependencies.pages.language)
        .register(on: router)
    AdminController(service: dependencies.service).register(on: router)
    dependencies.pages.register(on: router, sessions: sessions)
    routes.record(router.routes)
    return router
}
