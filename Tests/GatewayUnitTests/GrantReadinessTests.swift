import Foundation
@testable import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PQ
import PortalCore
import Testing

/// A role without the gateway's grants: not ready, and the log names the role, what it lacks and
/// the fix — at the probe and at every refused call — instead of a bare SQLSTATE.
@Suite struct GrantReadinessTests {
    /// Log messages, kept in memory.
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var messages: [String] = []
        func append(_ message: String) { lock.withLock { messages.append(message) } }
        func all() -> [String] { lock.withLock { messages } }
    }

    struct Capture: LogHandler {
        let lines: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) { lines.append("\(event.message)") }
    }

    /// What the mailer's role lacks of the gateway's functions (as the catalogue query reports it).
    static let lacking = RoleGrants.Finding(role: "portal_mailer", denied: ["portal_api.session_check(text, integer, text)"], schemaUsage: true)
    static let complete = RoleGrants.Finding(role: "portal_gateway", denied: [], schemaUsage: true)
    static let denied = PortalError.from(PQError(kind: .query, sqlState: "42501", message: "permission denied for function session_check"))

    /// The stub catalogue query: answers `finding` (changed when a GRANT is "given"), counts its runs.
    final class Catalogue: @unchecked Sendable {
        private let lock = NSLock()
        private var answer: RoleGrants.Finding
        private var runs = 0
        init(_ answer: RoleGrants.Finding) { self.answer = answer }
        func next() -> RoleGrants.Finding {
            lock.withLock {
                runs += 1
                return answer
            }
        }
        func grant() { lock.withLock { answer = GrantReadinessTests.complete } }
        var count: Int { lock.withLock { runs } }
    }

    static func messages(_ lines: Lines) -> [String] { lines.all().filter { $0 != "request" } }

    @Test func aRoleWithoutTheGrantsIsNotReadyAndTheProbeNamesTheGrant() async throws {
        let lines = Lines()
        let logger = Logger(label: "test.grants") { _ in Capture(lines: lines) }
        let store = InMemoryGatewayStore(adminKey: GatewayRouterTests.adminKey)
        await store.fail(with: Self.denied)
        let catalogue = Catalogue(Self.lacking)
        let watch = GrantWatch(grants: .gateway, logger: logger, interval: .seconds(60)) { catalogue.next() }
        let health = HealthController(ready: { try await store.ping() }, grants: watch)

        #expect(await health.readiness.check() == false)
        let sentence = "role portal_mailer cannot execute portal_api.session_check(text, integer, text): "
            + "the gateway needs DATABASE_URL with user=portal_gateway (or a role granted portal_gateway)"
        #expect(Self.messages(lines) == [sentence], "one line, naming role, grant and fix")
        // A probe storm costs the catalogue one query per interval, and the log one line.
        for _ in 0..<5 { #expect(await health.readiness.check() == false) }
        #expect(catalogue.count == 1)
        #expect(Self.messages(lines) == [sentence])
    }

    @Test func aGrantGivenLaterMakesItReadyWithoutARestart() async throws {
        let lines = Lines()
        let logger = Logger(label: "test.grants") { _ in Capture(lines: lines) }
        let store = InMemoryGatewayStore(adminKey: GatewayRouterTests.adminKey)
        let catalogue = Catalogue(Self.lacking)
        let watch = GrantWatch(grants: .gateway, logger: logger, interval: .milliseconds(50)) { catalogue.next() }
        let health = HealthController(ready: { try await store.ping() }, grants: watch)
        #expect(await watch.check() == false, "the start-up check finds a grant lacking")
        #expect(await health.readiness.check() == false, "so the probe is not ready, although its own call answered")
        try await Task.sleep(for: .milliseconds(100))
        #expect(await health.readiness.check() == false, "re-checked after the interval: still lacking")
        #expect(catalogue.count >= 2)
        #expect(Self.messages(lines).count == catalogue.count, "each re-check that finds it lacking logs the sentence")
        catalogue.grant()
        try await Task.sleep(for: .milliseconds(100))
        #expect(await health.readiness.check() == true, "GRANT given: ready at the next check")
        let runs = catalogue.count
        #expect(await health.readiness.check() == true)
        #expect(await health.readiness.check() == true)
        #expect(catalogue.count == runs, "a ready gateway's probes cost no catalogue query")
    }

    @Test func aRefusedCallLogsTheSentenceNotABareCode() async throws {
        let lines = Lines()
        let logger = Logger(label: "test.grants") { _ in Capture(lines: lines) }
        let store = InMemoryGatewayStore(adminKey: GatewayRouterTests.adminKey)
        await store.fail(with: PortalError.from(
            PQError(kind: .query, sqlState: "42501", message: "permission denied for function request_password_reset")))
        let dependencies = try GatewayDependencies(config: try GatewayRouterTests.config(), store: store, logger: logger)
        defer { dependencies.shutdown() }
        try await buildApplication(dependencies, logger: logger).test(.router) { client in
            let response = try await client.execute(
                uri: "/api/portal/auth/forgot-password", method: .post,
                headers: [.contentType: "application/json", .origin: GatewayRouterTests.origin],
                body: ByteBuffer(string: #"{"email": "a@example.com"}"#))
            #expect(response.status == .internalServerError)
            #expect(!String(buffer: response.body).contains("permission"), "nothing of it in the body")
        }
        let errors = Self.messages(lines).filter { $0.contains("42501") }
        #expect(errors.count == 1, "\(Self.messages(lines))")
        #expect(errors.first?.contains(
            "was refused a call the gateway makes (permission denied for function request_password_reset), SQLSTATE 42501: "
                + "the gateway needs DATABASE_URL with user=portal_gateway (or a role granted portal_gateway)") == true)
        #expect(!Self.messages(lines).contains("database error"), "not the bare 'database error' line")
    }

    @Test func theGrantSentenceNamesRoleProcessGrantsAndFix() {
        let finding = RoleGrants.Finding(
            role: "portal_mailer", denied: ["portal_api.sign_in_lookup(text)", "portal_api.session_check(text, integer, text)"],
            schemaUsage: true)
        #expect(!finding.isComplete)
        #expect(RoleGrants.gateway.sentence(finding)
            == "role portal_mailer cannot execute portal_api.sign_in_lookup(text), portal_api.session_check(text, integer, text): "
            + "the gateway needs DATABASE_URL with user=portal_gateway (or a role granted portal_gateway)")
        let noSchema = RoleGrants.Finding(role: "nobody", denied: [], schemaUsage: false)
        #expect(RoleGrants.mailer.sentence(noSchema)
            == "role nobody cannot use schema portal_api: the mailer needs DATABASE_URL with user=portal_mailer (or a role granted portal_mailer)")
    }

    @Test func aRefusedCallCarriesWhatWasDeniedToTheLog() {
        let denied = PortalError.from(PQError(kind: .query, sqlState: "42501", message: "permission denied for function claim_mail"))
        #expect(denied.privilegeDenial == "permission denied for function claim_mail")
        #expect(denied.code == PortalError.internalError.code, "still a 500 to a client, with nothing of it in the body")
        #expect(RoleGrants.mailer.denial(denied.privilegeDenial!).contains(
            "(permission denied for function claim_mail), SQLSTATE 42501: the mailer needs DATABASE_URL with user=portal_mailer"))
        let other = PortalError.from(PQError(kind: .query, sqlState: "XX000", message: "internal"))
        #expect(other.privilegeDenial == nil)
    }
}
