/// Text from the database made safe for an operator's terminal. Names, emails, labels and audit
/// details are whatever a CRM, an importer or a client typed: an ESC sequence in an invite's name
/// would otherwise recolour, retitle or rewrite the operator's screen, a CR or LF would forge
/// table rows, and U+202E would print the rest of a line backwards.
///
/// Escaped: C0 controls (including CR, LF and tab), DEL, C1 controls, format characters
/// (general category Cf: the bidirectional overrides and isolates, zero-width characters, the
/// BOM, soft hyphen) and the line and paragraph separators U+2028 and U+2029.
public enum TerminalText {
    /// Whether the operator's terminal must not see `scalar` raw.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }

    /// `text` with each unsafe scalar written as `\u{…}` (Swift's escape, upper-case hex): an
    /// ESC is `\u{1B}`, a line feed `\u{A}`. Everything else is unchanged.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// JSON text with each unsafe scalar written as a JSON escape (`\u001B`, `\u202E`, surrogate
    /// pairs above U+FFFF): the same JSON value, so scripts read exactly what was stored, and
    /// nothing a terminal acts on. Outside strings JSON holds only ASCII punctuation, digits,
    /// letters and plain whitespace, so only string contents change.
    public static func escapedJSON(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: { isUnsafe($0) && !isJSONWhitespace($0) }) else { return json }
        var out = ""
        for scalar in json.unicodeScalars {
            if isUnsafe(scalar) && !isJSONWhitespace(scalar) {
                for unit in String(scalar).utf16 {
                    let hex = String(unit, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Whitespace between JSON tokens (pretty printing). Inside a string a serializer has already
    /// escaped these, so a raw one is always layout.
    private static func isJSONWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\n" || scalar == "\r" || scalar == "\t"
    }
}
