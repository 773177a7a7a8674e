import CLibPQ
import Foundation
import Logging

extension Connection {
    /// Where `conninfo` points, for logs: host (or socket folder), port, database and user —
    /// never the password. Several hosts (a failover list) are shown as libpq lists them.
    public static func describeTarget(conninfo: String) -> String {
        var message: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &message) else {
            if let message { PQfreemem(message) }
            return "an unparseable DATABASE_URL"
        }
        defer { PQconninfoFree(options) }
        var values: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                values[String(cString: keyword)] = String(cString: value)
            }
            option += 1
        }
        let environment = ProcessInfo.processInfo.environment
        let host = values["host"] ?? values["hostaddr"] ?? environment["PGHOST"] ?? "the default socket"
        let port = values["port"] ?? environment["PGPORT"] ?? "5432"
        let database = values["dbname"] ?? environment["PGDATABASE"] ?? "(default)"
        let user = values["user"] ?? environment["PGUSER"] ?? "(default)"
        return "host=\(host) port=\(port) dbname=\(database) user=\(user)"
    }

    /// libpq's reason, safe to log: one line, with anything that looks like a password removed.
    public static func loggableReason(_ error: PQError) -> String {
        var text = error.message.replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
        if let range = text.range(of: #"password=\S+"#, options: .regularExpression) {
            text.replaceSubrange(range, with: "password=…")
        }
        return String(text.prefix(500))
    }
}

/// Tells the log about a database outage once, and about its end once: the pool's threads and
/// every failed call report here, and only the first failure of an outage (with libpq's reason
/// and the target) and the first success after it make a line — not one per thread or request.
public final class OutageReporter: @unchecked Sendable {
    private let lock = NSLock()
    private var downSince: ContinuousClock.Instant?
    private let what: String
    private let target: String
    private let logger: Logger

    /// - Parameters:
    ///   - what: the connection's role in the log line ("database", "listener").
    ///   - conninfo: described with `Connection.describeTarget` (no password).
    public init(_ what: String, conninfo: String, logger: Logger) {
        self.what = what
        target = Connection.describeTarget(conninfo: conninfo)
        self.logger = logger
    }

    /// A connection attempt failed.
    public func failed(_ error: PQError) {
        let first = lock.withLock { () -> Bool in
            guard downSince == nil else { return false }
            downSince = .now
            return true
        }
        if first {
            logger.warning("\(what) unreachable; retrying", metadata: [
                "reason": "\(Connection.loggableReason(error))", "target": "\(target)",
            ])
        }
    }

    /// A connection attempt succeeded.
    public func succeeded() {
        let outage = lock.withLock { () -> Duration? in
            defer { downSince = nil }
            return downSince.map { ContinuousClock.now - $0 }
        }
        if let outage {
            logger.info("\(what) reachable again", metadata: [
                "target": "\(target)", "downSeconds": "\(Int(outage.components.seconds))",
            ])
        }
    }

    /// Whether an outage is going on (a failure seen, no success since).
    public var isDown: Bool { lock.withLock { downSince != nil } }
}
