import Foundation

/// The one email rule of the project, the same as `portal.is_email` in SQL
/// (`sql/migrations/0007_security_round_2.sql`): a practical addr-spec with one `@`, a local part
/// of 1–64 characters and a domain with a dot; no whitespace, control characters or the header
/// specials `< > , ; " ( ) [ ] \` anywhere, so an accepted address is always safe in a header.
/// 3–254 code points in all.
///
/// Swift only trims and checks: the database lower-cases (Swift and Postgres disagree on letters
/// such as `İ`, and one typed address must be one account).
public enum EmailAddress {
    private static let pattern = try! NSRegularExpression(
        pattern: #"^[^@<>,;"()\[\]\\\s\p{Cc}]{1,64}@[^@<>,;"()\[\]\\\s\p{Cc}]+\.[^@<>,;"()\[\]\\\s\p{Cc}]+$"#)

    /// The address without surrounding whitespace, when it follows the rule; else nil.
    public static func trimmed(_ text: String) -> String? {
        let address = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard isValid(address) else { return nil }
        return address
    }

    /// The same rule without the dot in the domain: a sender on a local relay (`SMTP_FROM`
    /// defaults to `noreply@${SMTP_HOST}`, e.g. `noreply@localhost`).
    private static let senderPattern = try! NSRegularExpression(
        pattern: #"^[^@<>,;"()\[\]\\\s\p{Cc}]{1,64}@[^@<>,;"()\[\]\\\s\p{Cc}]+$"#)

    /// Whether `address` (already trimmed) follows the rule.
    public static func isValid(_ address: String) -> Bool {
        matches(address, pattern)
    }

    /// Whether `address` may be a sender: the rule, except that the domain needs no dot.
    public static func isValidSender(_ address: String) -> Bool {
        matches(address, senderPattern)
    }

    private static func matches(_ address: String, _ expression: NSRegularExpression) -> Bool {
        let scalars = address.unicodeScalars.count
        guard scalars >= 3, scalars <= 254 else { return false }
        let range = NSRange(address.startIndex..., in: address)
        return expression.firstMatch(in: address, range: range) != nil
    }
}
