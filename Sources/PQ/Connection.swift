import CLibPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One libpq connection. Owns the `PGconn` and finishes it in `deinit`, on every path.
///
/// Blocking: every call waits on the network. Use it from a thread of its own (`migrate`, the
/// admin commands, the reactor's and the listener's connect threads), never from an event loop;
/// the services' calls go through `ConnectionPool`, which switches its connections to
/// non-blocking mode. It is `@unchecked Sendable` so it can be handed to such a thread; it is
/// used by one thread at a time.
public final class Connection: @unchecked Sendable {
    let handle: OpaquePointer

    /// Opens a connection from a libpq URI (`postgresql://…`) or key/value conninfo string.
    ///
    /// Uses `PQconnectdbParams` with `expand_dbname`, so the string is parsed by libpq itself and
    /// never pasted together; the defaults given here apply unless the string sets them: a
    /// connect timeout, the application name, and TCP keepalives plus `tcp_user_timeout`, so a
    /// server machine that vanishes (no reset, no answer: a failover after a host loss) fails the
    /// query in flight within ~15 s and an idle pooled connection within ~25 s, instead of the
    /// kernel's ~15 minutes of retransmissions. (Ignored on Unix sockets.)
    ///
    /// `options` are server settings for the session (`-c name=value`), given before `conninfo`,
    /// so a `DATABASE_URL` that sets its own `options` wins.
    public init(
        conninfo: String, applicationName: String = "portal-auth", connectTimeoutSeconds: Int = 5, options: String? = nil
    ) throws {
        var keywords = ["connect_timeout", "application_name", "keepalives", "keepalives_idle", "keepalives_interval",
                        "keepalives_count", "tcp_user_timeout"]
        var values = [String(connectTimeoutSeconds), applicationName, "1", "10", "5", "3", "15000"]
        if let options {
            keywords.append("options")
            values.append(options)
        }
        keywords.append("dbname")
        values.append(conninfo)
        let handle: OpaquePointer? = withCStrings(keywords) { keywordPointers in
            withCStrings(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let handle else {
            throw PQError(kind: .connection, message: "out of memory opening a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = PQError.connectionMessage(handle) ?? "connection failed"
            PQfinish(handle)
            throw PQError(kind: .connection, message: message)
        }
        // Server notices go nowhere: libpq would print them to stderr, unstructured.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        self.handle = handle
    }

    deinit {
        PQfinish(handle)
    }

    /// True while the connection is usable.
    public var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK }

    /// The server's backend process id (for `pg_terminate_backend` in tests and logs).
    public var backendPID: Int32 { PQbackendPID(handle) }

    /// Runs one parameterised statement (`PQexecParams`) and returns its rows.
    ///
    /// Values travel separately from the SQL text, so they are never interpolated.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PQEncodable] = []) throws -> PQRows {
        let encoded = try EncodedParameters(parameters)
        let result = encoded.withArrays { values, types, lengths, formats in
            PQexecParams(handle, sql, encoded.count, types, values, lengths, formats, 0)
        }
        return try check(result)
    }

    /// Runs SQL text without parameters through the simple protocol (`PQexec`); several
    /// statements are allowed. Only for trusted text: migrations and fixed statements.
    @discardableResult
    public func execute(_ sql: String) throws -> PQRows {
        try check(PQexec(handle, sql))
    }

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws.
    public func withTransaction<T>(_ body: (Connection) throws -> T) throws -> T {
        try execute("begin")
        do {
            let value = try body(self)
            try execute("commit")
            return value
        } catch {
            if isHealthy { _ = try? execute("rollback") }
            throw error
        }
    }

    /// Turns a `PGresult` into rows or a `PQError`, clearing it in every case.
    private func check(_ result: OpaquePointer?) throws -> PQRows {
        guard let result else {
            throw PQError(kind: .connection, message: PQError.connectionMessage(handle) ?? "no result")
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PQRows(result: result)
        default:
            throw PQError.from(result: result, connection: handle)
        }
    }

    // MARK: LISTEN/NOTIFY support (used by Listener)

    /// The socket to wait on.
    var socket: Int32 { PQsocket(handle) }

    /// Reads whatever the server sent; false when the connection broke.
    func consumeInput() -> Bool { PQconsumeInput(handle) == 1 && isHealthy }

    /// The next pending notification, if any.
    func nextNotification() -> (channel: String, payload: String)? {
        guard let notify = PQnotifies(handle) else { return nil }
        defer { PQfreemem(notify) }
        return (String(cString: notify.pointee.relname), String(cString: notify.pointee.extra))
    }

    /// Quotes an identifier (`PQescapeIdentifier`), for LISTEN channel names and role names.
    public func quoteIdentifier(_ name: String) throws -> String {
        guard let quoted = PQescapeIdentifier(handle, name, name.utf8.count) else {
            throw PQError(kind: .query, message: "could not quote identifier")
        }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }
}

/// Calls `body` with a NULL-terminated array of C strings that live for the call.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return pointers.withUnsafeBufferPointer { buffer in
        buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { body($0) }
    }
}

extension Connection {
    /// What libpq finds wrong with `conninfo` before it would touch the network, in libpq's own
    /// words; nil when libpq accepts it. Two steps, both libpq's: `PQconninfoParse` (syntax,
    /// unknown keys), then the option checks a real connect makes first (`sslmode=maybe` →
    /// `invalid sslmode value: "maybe"`), run through `PQconnectStartParams` with the port
    /// overridden by `0`, which libpq refuses for every host before resolving or connecting it —
    /// so this never opens a socket, and a server that is down is not a problem here (a caller
    /// retries that). What libpq checks only per host (a `hostaddr` it cannot read) is left to
    /// the connection. No password in the answer: quoted fragments of a string that does not
    /// parse are kept only when they name a key (or are one punctuation mark), and a parsed password
    /// is masked.
    public static func conninfoProblem(_ conninfo: String) -> String? {
        var parseMessage: UnsafeMutablePointer<CChar>?
        guard let parsed = PQconninfoParse(conninfo, &parseMessage) else {
            let text = parseMessage.map { String(cString: $0) } ?? "cannot be parsed"
            if let parseMessage { PQfreemem(parseMessage) }
            return redactQuoted(text.trimmedLine) { fragment in
                // A keyword (or a key used as one: `colour=`), or one punctuation mark (`"="`, `"]"`).
                fragment.isEmpty || keywords.contains(fragment) || isKey(fragment, in: conninfo)
                    || (fragment.count == 1 && !fragment.unicodeScalars.contains { isWordScalar($0) })
            }
        }
        var password: String?
        var option = parsed
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "password", let value = option.pointee.val { password = String(cString: value) }
            option += 1
        }
        PQconninfoFree(parsed)
        // Every host refused for the port given here (the line an empty conninfo gets, in the
        // locale's words): libpq accepted the options themselves.
        let problems = startErrors(conninfo).filter { !portRefusal.contains($0) }
        guard let first = problems.first else { return nil }
        return redactQuoted(first) { fragment in
            guard let password, !password.isEmpty else { return true }
            return !fragment.contains(password)
        }
    }

    /// The lines of libpq's message when it starts connecting to `conninfo` on port 0.
    private static func startErrors(_ conninfo: String) -> [String] {
        let handle: OpaquePointer? = withCStrings(["dbname", "port"]) { keywordPointers in
            withCStrings([conninfo, "0"]) { valuePointers in PQconnectStartParams(keywordPointers, valuePointers, 1) }
        }
        guard let handle else { return ["out of memory"] }
        defer { PQfinish(handle) }
        return (PQError.connectionMessage(handle) ?? "").split(separator: "\n").map { String($0).trimmedLine }
            .filter { !$0.isEmpty }
    }

    /// How libpq refuses port 0 for a host, in the locale's words.
    private static let portRefusal = Set(startErrors(""))

    /// libpq's connection keywords (`PQconndefaults`), for keeping them in messages.
    private static let keywords: Set<String> = {
        guard let defaults = PQconndefaults() else { return [] }
        defer { PQconninfoFree(defaults) }
        var names = Set<String>()
        var option = defaults
        while let keyword = option.pointee.keyword {
            names.insert(String(cString: keyword))
            option += 1
        }
        return names
    }()

    /// Whether `fragment` is a name `conninfo` uses as a key (`name=` or `?name=` / `&name=`).
    private static func isKey(_ fragment: String, in conninfo: String) -> Bool {
        guard let first = fragment.unicodeScalars.first, isWordScalar(first), !("0"..."9").contains(first),
              !fragment.unicodeScalars.contains(where: { !isWordScalar($0) })
        else { return false }
        return [" ", "?", "&", "\t"].contains { conninfo.contains($0 + fragment + "=") } || conninfo.hasPrefix(fragment + "=")
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
    }

    /// `text` with every `"…"` fragment that `keep` refuses replaced by `"…"`.
    static func redactQuoted(_ text: String, keep: (String) -> Bool) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "\""),
              let close = rest[rest.index(after: open)...].firstIndex(of: "\"") {
            let fragment = String(rest[rest.index(after: open)..<close])
            result += rest[...open] + (keep(fragment) ? fragment : "…") + "\""
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}

extension String {
    /// Without the trailing newline and spaces libpq ends its messages with.
    fileprivate var trimmedLine: String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        return String(text)
    }
}

extension Connection {
    /// Quotes a literal (`PQescapeLiteral`), for the few statements that take no parameters
    /// (`ALTER ROLE … PASSWORD`). Prefer `query(_:_:)` with parameters everywhere else.
    public func quoteLiteral(_ text: String) throws -> String {
        guard let quoted = PQescapeLiteral(handle, text, text.utf8.count) else {
            throw PQError(kind: .query, message: "could not quote literal")
        }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }
}

extension Connection {
    /// The SCRAM-SHA-256 verifier of `password` for `role` (`PQencryptPasswordConn`), computed
    /// here so that `ALTER ROLE … PASSWORD` never carries the password itself: a server with
    /// `log_statement = ddl`, or anyone reading `pg_stat_activity`, sees only the verifier.
    public func scramVerifier(password: String, role: String) throws -> String {
        guard let encrypted = PQencryptPasswordConn(handle, password, role, "scram-sha-256") else {
            throw PQError(kind: .query, message: "could not compute the password verifier")
        }
        defer { PQfreemem(encrypted) }
        return String(cString: encrypted)
    }
}
