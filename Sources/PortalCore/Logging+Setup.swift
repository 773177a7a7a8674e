import Foundation
import Logging

extension LoggingSystem {
    private static let bootstrapped = NSLock()
    nonisolated(unsafe) private static var done = false

    /// Bootstraps logging once per process from `LOG_LEVEL` (trace…critical, default info) and
    /// `LOG_FORMAT` (`json` for one JSON object per line, else text), both to standard error;
    /// `overrides` (the command's flags) win over the environment.
    public static func bootstrapOnce(overrides: [String: String] = [:]) {
        bootstrapped.withLock {
            guard !done else { return }
            done = true
            let values = ProcessInfo.processInfo.environment.merging(overrides.filter { !$0.value.isEmpty }) { $1 }
            let level = values["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? ConfigVariable.defaultLogLevel
            let json = values["LOG_FORMAT"]?.lowercased() == "json"
            LoggingSystem.bootstrap { label in
                var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}

/// One JSON object per line on standard error: time, level, label, message, metadata.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: Any] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            fields[key] = Self.jsonValue(value)
        }
        let object: [String: Any] = [
            "ts": Self.timestamp(),
            "level": "\(event.level)",
            "label": label,
            "msg": "\(event.message)",
            "meta": fields,
        ]
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return }
        data.append(0x0A)
        FileHandle.standardError.write(data)
    }

    /// The current time as ISO 8601 UTC (`2026-11-28T07:23:08Z`), from `gmtime_r`: no formatter
    /// is made per line (the access log writes one line per request).
    static func timestamp(_ seconds: Int = time(nil)) -> String {
        var clock = seconds
        var parts = tm()
        gmtime_r(&clock, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// Numbers stay numbers (`"ms": 12`, not `"12"`), whether logged as a number or as its
    /// decimal text; nested metadata stays nested; anything else is its text.
    static func jsonValue(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let text):
            return number(text) ?? text
        case .stringConvertible(let convertible):
            return number("\(convertible)") ?? "\(convertible)"
        case .array(let values):
            return values.map(jsonValue)
        case .dictionary(let values):
            return values.mapValues(jsonValue)
        }
    }

    private static func number(_ text: String) -> NSNumber? {
        guard !text.isEmpty, text.count <= 18,
              text.range(of: #"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$"#, options: .regularExpression) != nil
        else { return nil }
        if let integer = Int(text) { return NSNumber(value: integer) }
        return Double(text).map { NSNumber(value: $0) }
    }
}
