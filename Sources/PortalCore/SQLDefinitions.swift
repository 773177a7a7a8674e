import Foundation

/// What a SQL file defines and names, read from its text (no database): `migrate` uses it to keep
/// the schema files' rule functions, and a unit test holds the SQL tree to "each function defined
/// in exactly one file, every grant and comment naming a defined function".
public enum SQLDefinitions {
    /// The qualified names (`portal_api.invite`) of the functions `create [or replace] function`
    /// defines in `sql`, in order.
    public static func functionNames(in sql: String) -> [String] {
        names(in: sql, pattern: #"(?im)^\s*create\s+(?:or\s+replace\s+)?function\s+([a-z0-9_]+\.[a-z0-9_]+)\s*\("#)
    }

    /// The qualified names of the functions that `grant`, `revoke` and `comment on` statements of
    /// `sql` name.
    public static func referencedFunctionNames(in sql: String) -> [String] {
        names(in: sql, pattern: #"(?im)^\s*(?:grant|revoke|comment\s+on)\b[^;]*?\bon\s+function\s+([a-z0-9_]+\.[a-z0-9_]+)\s*\("#)
            + names(in: sql, pattern: #"(?im)^\s*comment\s+on\s+function\s+([a-z0-9_]+\.[a-z0-9_]+)\s*\("#)
    }

    /// The audit event kinds `sql` writes: calls of `portal.log_event('<kind>', …)` and inserts
    /// into `portal.auth_events` whose event (their first column) is a literal, or a `case` of
    /// literals.
    public static func loggedEventKinds(in sql: String) -> [String] {
        let inserts = names(
            in: sql,
            pattern: #"(?is)insert\s+into\s+portal\.auth_events\s*\(\s*event\b[^)]*\)\s*values\s*\((\s*(?:'[a-z_]+'|case\b.*?\bend)\s*),"#)
        return names(in: sql, pattern: #"(?i)portal\.log_event\(\s*'([a-z_]+)'"#)
            + inserts.flatMap { names(in: $0, pattern: #"'([a-z_]+)'"#) }
    }

    /// The event kinds `portal.auth_event_kinds()` lists in `sql` (its `('kind', 'meaning')` rows).
    public static func declaredEventKinds(in sql: String) -> [String] {
        guard let start = sql.range(of: "function portal.auth_event_kinds()"),
              let end = sql.range(of: "$$;", range: start.upperBound..<sql.endIndex)
        else { return [] }
        return names(in: String(sql[start.upperBound..<end.lowerBound]), pattern: #"(?m)^\s*\('([a-z_]+)',"#)
    }

    private static func names(in sql: String, pattern: String) -> [String] {
        let text = withoutLineComments(sql)
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { text[$0].lowercased() }
        }
    }

    /// `sql` without `-- …` comments (outside quotes), so a comment that mentions a function
    /// defines or names nothing.
    static func withoutLineComments(_ sql: String) -> String {
        var out = ""
        var inQuote = false
        var iterator = Array(sql).makeIterator()
        var pending: Character? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if c == "'" { inQuote.toggle(); out.append(c); continue }
            if !inQuote && c == "-" {
                if let next = iterator.next() {
                    if next == "-" {
                        while let skip = iterator.next(), skip != "\n" {}
                        out.append("\n")
                        continue
                    }
                    out.append(c)
                    pending = next
                    continue
                }
            }
            out.append(c)
        }
        return out
    }
}
