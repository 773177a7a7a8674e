import Foundation
import PQ
import TestSupport
import Testing

/// Restarts the test cluster: run alone (`swift test --filter PostgresRestartTests`), after the
/// other suites, as scripts/test.sh does.
@Suite(.serialized, .enabled(if: TestEnvironment.canRestartPostgres, "restarts the test cluster (PORTAL_TEST_PG_CTL): run scripts/test.sh")) struct PostgresRestartTests {
    /// Runs pg_ctl through system(3): a Foundation `Process` would wait for the postmaster too,
    /// which inherits its notification descriptor.
    static func pgctl(_ arguments: String) throws {
        let command = try #require(ProcessInfo.processInfo.environment["PORTAL_TEST_PG_CTL"], "PORTAL_TEST_PG_CTL is not set")
        let status = system("\(command) \(arguments) >/dev/null 2>&1 </dev/null")
        try #require(status == 0, "pg_ctl \(arguments) failed")
    }

    /// The mailer outlives a Postgres restart: it reconnects, LISTENs again and drains — mail
    /// committed after the restart arrives by NOTIFY, well before the 30 s poll.
    @Test func theMailerReconnectsRelistensAndDrains() async throws {
        let sink = try SMTPSink()
        try await MailHarness.withMailer(try MailHarness.environment(smtpPort: sink.port)) { _ in
            let before = MailHarness.unique("before")
            _ = try MailHarness.invite(try MailHarness.database(), emails: [before])
            #expect(try await MailHarness.eventually(timeout: .seconds(5)) { !sink.messages(to: before).isEmpty })

            try Self.pgctl("stop -m fast")
            try await Task.sleep(for: .seconds(2))
            try Self.pgctl("start")
            try await Task.sleep(for: .seconds(3))  // the listener's capped backoff is 5 s

            let after = (0..<10).map { _ in MailHarness.unique("after") }
            let db = try MailHarness.database()
            let committed = ContinuousClock.now
            _ = try MailHarness.invite(db, emails: after)
            #expect(try await MailHarness.eventually(timeout: .seconds(15)) {
                Set(sink.messages().compactMap { $0.header("X-Envelope-To") }).isSuperset(of: after)
            })
            #expect(ContinuousClock.now - committed < .seconds(15), "drained by NOTIFY after re-LISTEN, not the 30 s poll")
        }
    }
}
