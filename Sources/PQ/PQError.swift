import CLibPQ

/// A database failure: a refused connection, a failed statement, or a value that did not decode.
///
/// `description` is deliberately generic (like postgres-nio's `PSQLError`): an auth service
/// must not leak SQL text or server messages to its clients. The message and detail are
/// available through `String(reflecting:)` for debug logs, and `sqlState` for mapping.
public struct PQError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong, coarsely.
    public enum Kind: Sendable, Equatable {
        /// The connection could not be opened, or broke.
        case connection
        /// The server refused a statement (see `sqlState`).
        case query
        /// A returned value did not decode into the requested Swift type.
        case decoding
        /// The pool was closed.
        case closed
    }

    public let kind: Kind
    /// The five-character SQLSTATE, when the server sent one (e.g. `23505`, `PA001`).
    public let sqlState: String?
    /// The server's primary message. Never show it to an end user.
    public let message: String
    /// The server's DETAIL field, if any.
    public let detail: String?
    /// The server's HINT field, if any (the project's PA010 says what would be accepted).
    public let hint: String?

    public init(kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil, hint: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
    }

    public var description: String {
        switch kind {
        case .connection: return "database connection error"
        case .query: return "database error" + (sqlState.map { " (SQLSTATE \($0))" } ?? "")
        case .decoding: return "database value could not be decoded"
        case .closed: return "database pool closed"
        }
    }

    public var debugDescription: String {
        var text = "PQError(\(kind), sqlState: \(sqlState ?? "-"), message: \(message)"
        if let detail { text += ", detail: \(detail)" }
        return text + ")"
    }

    /// True when the failure means the server could not be reached or the connection broke:
    /// SQLSTATE class 08 (connection exception), 57P01–57P03 (admin shutdown, crash shutdown,
    /// cannot connect now) or a client-side connection failure.
    public var isConnectionFailure: Bool {
        if kind == .connection || kind == .closed { return true }
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }

    /// Reads the error fields of a failed result.
    static func from(result: OpaquePointer?, connection: OpaquePointer?) -> PQError {
        func field(_ code: UInt8) -> String? {
            guard let result, let raw = PQresultErrorField(result, Int32(code)) else { return nil }
            return String(cString: raw)
        }
        let sqlState = field(UInt8(ascii: "C"))
        let message = field(UInt8(ascii: "M")) ?? connection.flatMap { connectionMessage($0) } ?? "unknown error"
        let broken = connection.map { PQstatus($0) != CONNECTION_OK } ?? true
        return PQError(
            kind: (broken && sqlState == nil) ? .connection : .query,
            sqlState: sqlState,
            message: message,
            detail: field(UInt8(ascii: "D")),
            hint: field(UInt8(ascii: "H"))
        )
    }

    static func connectionMessage(_ connection: OpaquePointer) -> String? {
        guard let raw = PQerrorMessage(connection) else { return nil }
        let text = String(cString: raw).trimmedWhitespace()
        return text.isEmpty ? nil : text
    }
}

extension String {
    /// Trims whitespace without pulling Foundation into this module.
    fileprivate func trimmedWhitespace() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
