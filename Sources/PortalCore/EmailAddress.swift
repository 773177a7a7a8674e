import Foundation

/// The one email rule of the project, the same as `portal.email_normalized` / `portal.is_email`
/// in SQL (`sql/schema/0002_input_rules.sql`; a property test holds the two
/// to identical verdicts and forms):
///   1. White space around the address is stripped: U+0009–U+000D, U+0020, U+0085, U+00A0,
///      U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
///   2. It is lower-cased (one character at a time; U+0130 İ, whose lower case is two characters,
///      is refused) and put in NFC.
///   3. It is then at most 254 characters: a local part, one `@`, a domain.
///   4. Local part: 1–64 of a-z 0-9 . ! # $ & ' * + / = ^ _ ` { | } ~ - (ASCII only: mail is
///      sent without SMTPUTF8; no `%`, `?` or quotes), no dot first, last or twice in a row.
///   5. Domain: two or more labels separated by `.`, each 1–63 characters of a-z 0-9 `-` or
///      non-ASCII characters (an IDN, written into headers as punycode: `Punycode`), not starting
///      or ending with `-`; the last label is not all digits.
///   6. Refused anywhere, being invisible, a separator or a look-alike of `.` or `@`: the ranges
///      in `refused`.
/// An accepted address is always safe in a header once its domain is in ASCII form.
///
/// The gateway trims and checks (`trimmed`) and passes the address on as typed; the database
/// stores the normalised form, which `normalized` computes the same way.
public enum EmailAddress {
    /// White space stripped around an address (rule 1).
    static func isWhiteSpace(_ value: UInt32) -> Bool {
        (0x09...0x0D).contains(value) || value == 0x20 || value == 0x85 || value == 0xA0 || value == 0x1680
            || (0x2000...0x200A).contains(value) || value == 0x2028 || value == 0x2029 || value == 0x202F
            || value == 0x205F || value == 0x3000
    }

    /// Non-ASCII code points refused anywhere (rule 6).
    static let refused: [ClosedRange<UInt32>] = [
        0x80...0xA0, 0xAD...0xAD, 0x34F...0x34F, 0x600...0x605, 0x61C...0x61C, 0x6DD...0x6DD, 0x70F...0x70F,
        0x890...0x891, 0x8E2...0x8E2, 0x115F...0x1160, 0x1680...0x1680, 0x17B4...0x17B5, 0x180B...0x180F,
        0x2000...0x200F, 0x2024...0x2024, 0x2028...0x202F, 0x205F...0x206F, 0x3000...0x3000, 0x3002...0x3002,
        0x3164...0x3164, 0xFE00...0xFE0F, 0xFE6B...0xFE6B, 0xFEFF...0xFEFF, 0xFF0E...0xFF0E, 0xFF20...0xFF20,
        0xFF61...0xFF61, 0xFFA0...0xFFA0, 0xFFF0...0xFFFF, 0xE000...0xF8FF, 0x110BD...0x110BD, 0x110CD...0x110CD,
        0x13430...0x1343F, 0x1BCA0...0x1BCA3, 0x1D173...0x1D17A, 0xE0000...0xE0FFF, 0xF0000...0x10FFFF,
    ]

    /// The ASCII characters of a local part besides a-z and 0-9 (rule 4).
    private static let localSymbols = Set("!#$&'*+/=^_`{|}~-.".unicodeScalars.map(\.value))

    /// The address in its normalised form (rules 1–2) when it follows the rule; else nil. What the
    /// database stores for it (`portal.normalize_email`).
    public static func normalized(_ text: String) -> String? {
        normalized(text, domainNeedsDot: true)
    }

    /// The address without surrounding white space, as typed, when it follows the rule; else nil.
    public static func trimmed(_ text: String) -> String? {
        let address = stripped(text)
        return normalized(address) == nil ? nil : address
    }

    /// Whether `address` follows the rule as written: no white space around it, any case
    /// (`portal.is_email`).
    public static func isValid(_ address: String) -> Bool {
        isStripped(address) && normalized(address) != nil
    }

    /// Whether `address` may be a sender (`SMTP_FROM`, the operator's setting, which defaults to
    /// `noreply@${SMTP_HOST}`: `noreply@localhost`, `noreply@127.0.0.1`): one `@`, an ASCII local
    /// part of 1–64 characters, a domain without a dot if need be; no white space, control
    /// characters or the header specials `< > , ; " ( ) [ ] \` anywhere.
    public static func isValidSender(_ address: String) -> Bool {
        let scalars = address.unicodeScalars
        guard (3...254).contains(scalars.count), scalars.filter({ $0 == "@" }).count == 1,
              let at = scalars.firstIndex(of: "@")
        else { return false }
        let local = scalars[..<at]
        let domain = scalars[scalars.index(after: at)...]
        guard (1...64).contains(local.count), local.allSatisfy(\.isASCII), !domain.isEmpty else { return false }
        return !scalars.contains { scalar in
            "<>,;\"()[]\\".unicodeScalars.contains(scalar) || scalar.properties.isWhitespace
                || scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
        }
    }

    /// No white space of rule 1 at either end (compared by code point: `==` on strings would
    /// call canonically equivalent forms equal).
    private static func isStripped(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return true }
        return !isWhiteSpace(first.value) && !isWhiteSpace(last.value)
    }

    /// `text` without the white space of rule 1 around it.
    static func stripped(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isWhiteSpace($0.value) }),
              let last = scalars.lastIndex(where: { !isWhiteSpace($0.value) })
        else { return "" }
        return String(scalars[first...last])
    }

    /// Lower-cased one code point at a time (ASCII directly, others by their Unicode lower case),
    /// then NFC: `lower()` and `normalize(…, nfc)` in Postgres with a Unicode-aware LC_CTYPE.
    static func lowercasedNFC(_ text: String) -> String {
        var view = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                let value = scalar.value
                view.append((0x41...0x5A).contains(value) ? Unicode.Scalar(value + 0x20)! : scalar)
            } else {
                view.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(view).precomposedStringWithCanonicalMapping
    }

    private static func normalized(_ text: String, domainNeedsDot: Bool) -> String? {
        let trimmed = stripped(text)
        let count = trimmed.unicodeScalars.count
        guard count <= 1000, !trimmed.unicodeScalars.contains("\u{130}") else { return nil }
        let address = lowercasedNFC(trimmed)
        let scalars = Array(address.unicodeScalars)
        guard scalars.count <= 254, let at = scalars.firstIndex(of: "@") else { return nil }
        let local = scalars[..<at]
        let domain = scalars[(at + 1)...]
        // Local part (rule 4).
        guard (1...64).contains(local.count), local.first != ".", local.last != "." else { return nil }
        var previous: Unicode.Scalar?
        for scalar in local {
            let value = scalar.value
            guard (0x61...0x7A).contains(value) || (0x30...0x39).contains(value) || localSymbols.contains(value) else { return nil }
            if scalar == ".", previous == "." { return nil }
            previous = scalar
        }
        // Domain (rules 5 and 6).
        for scalar in domain {
            let value = scalar.value
            if value < 0x80 {
                guard (0x61...0x7A).contains(value) || (0x30...0x39).contains(value) || scalar == "-" || scalar == "." else {
                    return nil
                }
            } else if refused.contains(where: { $0.contains(value) }) {
                return nil
            }
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard let top = labels.last, labels.count >= (domainNeedsDot ? 2 : 1),
              !top.allSatisfy({ (0x30...0x39).contains($0.value) })
        else { return nil }
        for label in labels {
            guard (1...63).contains(label.count), label.first != "-", label.last != "-" else { return nil }
        }
        return address
    }
}
