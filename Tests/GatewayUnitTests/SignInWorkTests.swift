import Foundation
import Logging
import PortalCore
import PortalCrypto
import Testing

/// What a sign-in costs, counted instead of timed: every outcome runs exactly one scrypt at the
/// current parameters — a verification when the account has a hash, else one dummy run — and
/// runs it on the hash pool, never on the caller's thread. (That a cheaper stored hash is topped
/// up to the same work is `PasswordHashTests.cheaperHashesAreToppedUpToTheCurrentCost`; the
/// database's share of the time is `signInLatencyDoesNotRevealWhetherAnEmailExists`.)
@Suite struct SignInWorkTests {
    static let current = try! ScryptParameters(ln: 10, r: 8, p: 1)
    static let password = "correct horse battery staple"

    /// The scrypt calls of one service, each with its parameters and the hash pool's running jobs.
    final class Ledger: @unchecked Sendable {
        enum Call: Equatable {
            case verify(ScryptParameters)
            case dummy(ScryptParameters)
            case make(ScryptParameters)
        }
        private let lock = NSLock()
        private var entries: [(call: Call, poolBusy: Int)] = []

        func note(_ call: Call, poolBusy: Int) { lock.withLock { entries.append((call, poolBusy)) } }
        var calls: [Call] { lock.withLock { entries.map(\.call) } }
        /// Calls made while no hash-pool job was running: scrypt off the pool.
        var offPool: Int { lock.withLock { entries.filter { $0.poolBusy == 0 }.count } }
        func reset() { lock.withLock { entries = [] } }
    }

    /// A service over the in-memory store whose scrypt calls go through `ledger` (then run for real).
    static func service(_ store: InMemoryGatewayStore, _ ledger: Ledger) throws -> PortalService {
        let pool = WorkerPool(workers: 2, queueLimit: 8, name: "hash")
        let real = PasswordHasher.scrypt
        let counting = PasswordHasher(
            verify: { typed, normalized, stored, current in
                ledger.note(.verify(current), poolBusy: pool.busy)
                return real.verify(typed, normalized, stored, current)
            },
            dummy: { normalized, current in
                ledger.note(.dummy(current), poolBusy: pool.busy)
                real.dummy(normalized, current)
            },
            make: { normalized, parameters in
                ledger.note(.make(parameters), poolBusy: pool.busy)
                return try real.make(normalized, parameters)
            })
        return PortalService(
            store: store, hashPool: pool, policy: try PasswordPolicy.shipped(), scrypt: current,
            logger: Logger(label: "test.sign-in-work"), hasher: counting)
    }

    static func signIn(_ service: PortalService, _ email: String, _ password: String) async throws -> SessionUser {
        try await service.signIn(
            email: email, password: password, ip: "10.1.2.3", userAgent: "test", limitKey: "10.1.2.3",
            session: NewSession.make(ttl: 3600))
    }

    @Test func anUnknownEmailRunsExactlyOneDummyScryptAtTheCurrentParameters() async throws {
        let store = InMemoryGatewayStore(adminKey: GatewayRouterTests.adminKey)
        let ledger = Ledger()
        let service = try Self.service(store, ledger)
        await #expect(throws: PortalError.invalidCredentials) { try await Self.signIn(service, "nobody@example.com", Self.password) }
        #expect(ledger.calls == [.dummy(Self.current)])
        #expect(ledger.offPool == 0, "scrypt ran on the hash pool")
    }

    @Test func aWrongPasswordRunsExactlyOneVerificationAndNoDummy() async throws {
        let store = InMemoryGatewayStore(adminKey: GatewayRouterTests.adminKey)
        _ = try await store.addUser(email: "known@example.com", password: Self.password)
        let ledger = Ledger()
        let service = try Self.service(store, ledger)
        await #expect(throws: PortalError.invalidCredentials) { try await Self.signIn(service, "known@example.com", "not the password at all") }
        #expect(ledger.calls == [.verify(Self.current)])
        ledger.reset()
        _ = try await Self.signIn(service, "known@example.com", Self.password)
        #expect(ledger.calls == [.verify(Self.current)], "the right password costs the same one verification")
        #expect(ledger.offPool == 0)
    }

    /// A disabled account's hash is not handed out: its sign-in costs what an unknown email's does.
    @Test func anAccountWithoutAUsableHashRunsTheSameOneDummy() async throws {
        let store = InMemoryGatewayStore(adminKey: GatewayRouterTests.adminKey)
        _ = try await store.addUser(email: "invited@example.com", password: nil)
        _ = try await store.addUser(email: "disabled@example.com", password: Self.password, client: "client-2")
        _ = try await store.keyClientAction(keyHash: Digest.sha256(GatewayRouterTests.adminKey), clientID: "client-2", action: .disable, staffActor: nil)
        let ledger = Ledger()
        let service = try Self.service(store, ledger)
        for email in ["invited@example.com", "disabled@example.com"] {
            ledger.reset()
            await #expect(throws: PortalError.invalidCredentials) { try await Self.signIn(service, email, Self.password) }
            #expect(ledger.calls == [.dummy(Self.current)], "\(email)")
        }
        #expect(ledger.offPool == 0)
    }

    /// A refused sign-in at the gate (the address's budget spent) costs no scrypt at all.
    @Test func aRateLimitedSignInRunsNoScrypt() async throws {
        let store = InMemoryGatewayStore(adminKey: GatewayRouterTests.adminKey)
        await store.limit(seconds: 30)
        let ledger = Ledger()
        let service = try Self.service(store, ledger)
        await #expect(throws: PortalError.rateLimited(retryAfter: 30)) { try await Self.signIn(service, "nobody@example.com", Self.password) }
        #expect(ledger.calls.isEmpty)
    }
}
