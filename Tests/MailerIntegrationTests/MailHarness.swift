import Foundation
import Logging
import Mailer
import PQ
import PortalCore
import PortalCrypto
import ServiceLifecycle
import Testing

/// The mailer tests' own database (so mailers here never meet other suites' mail), an SMTP
/// sink process (aiosmtpd), and a mailer running in-process.
enum MailHarness {
    static let tokenSecret = "mailer-test-token-key-0123456789abcdefghij"
    static var tokenKey: TokenKey { try! TokenKey(secret: tokenSecret) }

    static func superuserURL() throws -> String {
        try #require(ProcessInfo.processInfo.environment["PORTAL_TEST_MAIL_DATABASE_URL"],
                     "PORTAL_TEST_MAIL_DATABASE_URL is not set: run the tests through scripts/test.sh")
    }

    static func database() throws -> Connection {
        let connection = try Connection(conninfo: try superuserURL())
        // Short retries and leases, so failure paths finish within a test.
        try connection.query("select portal_api.set_setting('mail_retry_base', '1 second')")
        try connection.query("select portal_api.set_setting('mail_lease', '5 seconds')")
        try connection.query("select portal_api.set_setting('mail_max_attempts', '5')")
        return connection
    }

    static func environment(smtpPort: Int?, extra: [String: String] = [:]) throws -> [String: String] {
        var environment = [
            "DATABASE_URL": try superuserURL() + " user=portal_mailer",
            "PORTAL_BASE_URL": "https://portal.test",
            "PORTAL_TOKEN_KEY": tokenSecret,
            "MAILER_POLL_INTERVAL": "30",
            "MAILER_BATCH": "20",
        ]
        if let smtpPort {
            environment["SMTP_HOST"] = "127.0.0.1"
            environment["SMTP_PORT"] = String(smtpPort)
            environment["SMTP_TLS"] = "none"
            environment["SMTP_FROM"] = "portal@marina.example"
            environment["SMTP_TIMEOUT"] = "10"
        }
        return environment.merging(extra) { $1 }
    }

    /// Runs an in-process mailer for the duration of `body`, then shuts it down gracefully.
    static func withMailer<T: Sendable>(
        _ environment: [String: String], _ body: @Sendable (MailerService) async throws -> T
    ) async throws -> T {
        let config = try MailerConfig.load(environment: environment)
        var logger = Logger(label: "test.mailer")
        logger.logLevel = .warning
        let dependencies = try MailerDependencies(config: config, logger: logger)
        defer { dependencies.shutdown() }
        let service = dependencies.service
        let group = ServiceGroup(configuration: .init(services: dependencies.services, logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                let value = try await body(service)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return value
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }

    /// Polls `condition` every 50 ms until it holds or `timeout` passes; returns whether it held.
    static func eventually(timeout: Duration, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try condition()
    }

    /// A port with a client per email, invited in one transaction; returns the outbox ids.
    static func invite(_ db: Connection, emails: [String], name: String = "Test Owner") throws -> [Int64] {
        let port: String = try #require(try db.query("select portal_api.create_port('Mail Test Port')").scalar())
        return try db.withTransaction { db in
            try emails.map { email in
                let client: String = try #require(try db.query("select portal_api.create_client($1, 'Client')", [port]).scalar())
                _ = try db.query("select portal_api.invite($1, $2, $3)", [client, email, name])
                return try #require(try db.query(
                    "select max(m.id) from portal.mail_outbox m where m.recipient = $1", [email]).scalar(Int64.self))
            }
        }
    }

    static func status(_ db: Connection, _ id: Int64) throws -> String? {
        try db.query("select status from portal.mail_outbox where id = $1", [id]).scalar()
    }

    static func unique(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(10).lowercased())@example.com"
    }
}

/// `scripts/smtp_sink.py` as a child process: a real SMTP server writing .eml files.
final class SMTPSink: @unchecked Sendable {
    let maildir: String
    private(set) var port: Int
    private let arguments: [String]
    private var process: Process?

    init(port: Int = 0, arguments: [String] = []) throws {
        maildir = FileManager.default.temporaryDirectory.appendingPathComponent("sink-\(UUID().uuidString)").path
        self.port = port
        self.arguments = arguments
        try start()
    }

    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", FileManager.default.currentDirectoryPath + "/scripts/smtp_sink.py",
                             "--maildir", maildir, "--port", String(port)] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let line = String(decoding: output.fileHandleForReading.availableDataUntilNewline(), as: UTF8.self)
        guard line.hasPrefix("READY "), let ready = Int(line.dropFirst(6).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw SinkError(message: "SMTP sink did not start: \(line)")
        }
        port = ready
        self.process = process
    }

    func stop() {
        if let process { stopProcess(process) }
        process = nil
    }

    deinit { stop() }

    /// Every message received so far, parsed.
    func messages() -> [ReceivedMail] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: maildir)) ?? []
        return names.filter { $0.hasSuffix(".eml") && !$0.hasPrefix(".") }.sorted().compactMap { name in
            (try? Data(contentsOf: URL(fileURLWithPath: "\(maildir)/\(name)"))).map { ReceivedMail(raw: String(decoding: $0, as: UTF8.self)) }
        }
    }

    func messages(to recipient: String) -> [ReceivedMail] {
        messages().filter { $0.header("X-Envelope-To") == recipient }
    }

    struct SinkError: Error { let message: String }
}

/// SIGTERM, up to 5 s of grace, then SIGKILL; waits by polling (Foundation's waitUntilExit
/// can spin on Linux when called off the main thread).
func stopProcess(_ process: Process, signal: Int32 = SIGTERM, grace: Double = 5) {
    guard process.isRunning else { return }
    kill(process.processIdentifier, signal)
    waitForExit(process, timeout: grace)
    if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
        waitForExit(process, timeout: 5)
    }
}

/// Polls until the process has exited or `timeout` seconds passed; returns whether it exited.
@discardableResult
func waitForExit(_ process: Process, timeout: Double) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(20_000) }
    return !process.isRunning
}

extension FileHandle {
    /// Reads until a newline (the sink's READY line).
    func availableDataUntilNewline() -> Data {
        var data = Data()
        while true {
            let byte = readData(ofLength: 1)
            if byte.isEmpty || byte == Data([0x0A]) { return data }
            data.append(byte)
        }
    }
}

/// A received message: headers (unfolded) and the decoded text and HTML parts.
struct ReceivedMail: Sendable {
    let raw: String
    let headers: [(String, String)]
    let parts: [String: String]

    init(raw: String) {
        self.raw = raw
        let normalized = raw.replacingOccurrences(of: "\r\n", with: "\n")
        let split = normalized.components(separatedBy: "\n\n")
        var headers: [(String, String)] = []
        for line in (split.first ?? "").components(separatedBy: "\n") {
            if line.first == " " || line.first == "\t", let last = headers.popLast() {
                headers.append((last.0, last.1 + line.trimmingCharacters(in: .whitespaces)))
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        }
        self.headers = headers
        var parts: [String: String] = [:]
        let contentType = headers.first { $0.0.lowercased() == "content-type" }?.1 ?? ""
        if let range = contentType.range(of: "boundary=\"") {
            let boundary = contentType[range.upperBound...].prefix { $0 != "\"" }
            for chunk in normalized.components(separatedBy: "--\(boundary)").dropFirst() {
                let pieces = chunk.components(separatedBy: "\n\n")
                guard pieces.count >= 2 else { continue }
                let type = pieces[0].contains("text/html") ? "html" : "text"
                let body = pieces[1...].joined(separator: "\n\n").replacingOccurrences(of: "\n", with: "")
                parts[type] = Data(base64Encoded: body).map { String(decoding: $0, as: UTF8.self) }
            }
        }
        self.parts = parts
    }

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// The raw token of the link in the text part.
    var token: String? {
        guard let text = parts["text"], let range = text.range(of: #"#token=[A-Za-z0-9_-]{43}"#, options: .regularExpression) else {
            return nil
        }
        return String(text[range].dropFirst("#token=".count))
    }
}
