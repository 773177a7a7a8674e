import Foundation
import PQ
import PortalCrypto
import TestSupport
import Testing

extension MailerDeliveryTests {
    /// The real binary, killed with SIGKILL again and again while 500 mails flow: no mail is
    /// lost (every outbox row reaches the SMTP sink at least once); duplicates are counted and
    /// reported. No log line holds a token.
    @Test func sigkilledMailersLoseNoMail() async throws {
        let db = try MailHarness.database()
        let sink = try SMTPSink()
        let emails = (0..<500).map { _ in MailHarness.unique("chaos") }
        let ids = try MailHarness.invite(db, emails: emails)
        let binary = try #require(TestEnvironment.binary, "the portal-auth binary is not built")
        let environment = try MailHarness.environment(smtpPort: sink.port, extra: ["MAILER_POLL_INTERVAL": "1", "LOG_LEVEL": "debug"])
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)

        func launch(_ index: Int) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["mailer", "--id", "chaos-\(index)"]
            process.environment = environment
            _ = FileManager.default.createFile(atPath: "\(logs)/\(index).log", contents: nil)
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(logs)/\(index).log"))
            process.standardError = log
            process.standardOutput = log
            try process.run()
            return process
        }
        func pending() throws -> Int {
            try db.query("select count(*) from portal.mail_outbox where id = any($1::bigint[]) and status <> 'sent'",
                         ["{\(ids.map(String.init).joined(separator: ","))}"]).scalar(Int.self) ?? -1
        }

        var kills = 0
        var index = 0
        let deadline = ContinuousClock.now + .seconds(150)
        // Kill phase: start a mailer, let it work a random moment, SIGKILL it mid-batch.
        while try pending() > 0 && kills < 25 && ContinuousClock.now < deadline {
            let process = try launch(index)
            index += 1
            try await Task.sleep(for: .milliseconds(Int.random(in: 150...700)))
            kill(process.processIdentifier, SIGKILL)
            waitForExit(process, timeout: 10)
            kills += 1
        }
        // Then one survivor drains the rest (including mails leased by the killed ones).
        let survivor = try launch(index)
        let drained = try await MailHarness.eventually(timeout: .seconds(60)) { try pending() == 0 }
        let left = try pending()
        #expect(drained, "pending: \(left)")
        // SIGTERM only once it is up (a signal before its handlers exist would just kill it).
        _ = try await MailHarness.eventually(timeout: .seconds(10)) {
            ((try? String(contentsOfFile: "\(logs)/\(index).log", encoding: .utf8)) ?? "").contains("mailer started")
        }
        kill(survivor.processIdentifier, SIGTERM)
        #expect(waitForExit(survivor, timeout: 15), "SIGTERM ends the mailer")
        #expect(!survivor.isRunning && survivor.terminationStatus == 0, "SIGTERM ends the mailer cleanly (exit 0)")
        stopProcess(survivor, signal: SIGKILL)

        let received = sink.messages().compactMap { $0.header("Message-ID") }
        var counts: [String: Int] = [:]
        for id in received { counts[id, default: 0] += 1 }
        // Each mail's Message-ID: its outbox id and message key.
        var messageIDs: [Int64: String] = [:]
        for row in try db.query("select id, message_key::text as key from portal.mail_outbox where id = any($1::bigint[])",
                                ["{\(ids.map(String.init).joined(separator: ","))}"]) {
            let id: Int64 = try row.require("id")
            messageIDs[id] = "<portal-auth.mail-\(id).\(try row.require("key", as: String.self))@marina.example>"
        }
        let missing = ids.filter { counts[messageIDs[$0] ?? ""] == nil }
        let duplicates = ids.reduce(0) { $0 + max(0, (counts[messageIDs[$1] ?? ""] ?? 0) - 1) }
        #expect(missing.isEmpty, "lost mails: \(missing.prefix(10))")
        print("chaos: 500 mails, \(kills) SIGKILLs, 0 lost expected, \(missing.count) lost, \(duplicates) duplicates delivered")

        // No token (raw or as a link) in any mailer's log.
        let tokenIDs = try db.query(
            "select token_id from portal.mail_outbox where id = any($1::bigint[])", ["{\(ids.map(String.init).joined(separator: ","))}"]
        ).compactMap { try $0.decode("token_id", as: String.self) }
        let allLogs = try FileManager.default.contentsOfDirectory(atPath: logs)
            .map { try String(contentsOfFile: "\(logs)/\($0)", encoding: .utf8) }.joined()
        #expect(allLogs.contains("mailer started"), "the logs were captured")
        #expect(!allLogs.contains("#token="))
        let leaked = tokenIDs.filter { allLogs.contains(MailHarness.tokenKey.rawToken(tokenID: $0)) }
        #expect(leaked.isEmpty)
        #expect(!allLogs.contains(MailHarness.tokenSecret))
    }
}
