/// A language tag as the portal accepts it: a BCP 47 (RFC 5646) tag of at most a language, a
/// script and a region, in the case BCP 47 recommends. The product needs no more: a catalogue is
/// chosen by language, rarely by region, and variants, extensions and private use would only be
/// stored, never used.
///
/// The rule (one rule for Swift and SQL):
///
///     language  2 or 3 ASCII letters, lower case          de, hr, gsw
///     script    optional, "-" and 4 ASCII letters, title case     -Latn, -Cyrl
///     region    optional, "-" and 2 ASCII letters, upper case, or 3 digits (UN M.49)   -AT, -419
///     in that order, nothing else, at most 12 characters (3 + 5 + 4: the grammar's own bound)
///
/// Input in any letter case is accepted and normalised (`DE-at` → `de-AT`, `sr-latn-rs` →
/// `sr-Latn-RS`); a stored tag is always the normalised form, so the SQL CHECK can insist on it:
///
///     check (locale ~ '^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$')
///
/// (`sqlPattern`; `~` is case-sensitive and PostgreSQL's bracket ranges are code-point ranges, so
/// `[a-z]` is ASCII only, whatever the collation). Refused: `_` as separator
/// (`de_AT` is POSIX, not BCP 47), extended language subtags (`zh-yue`), variants (`de-1996`),
/// extensions and private use (`en-u-ca-buddhist`, `x-klingon`), 4- to 8-letter language
/// subtags, whitespace, and anything beyond ASCII.
public struct LanguageTag: Hashable, Sendable, CustomStringConvertible {
    /// 2–3 lower-case letters.
    public let language: String
    /// 4 letters, the first upper-case (`Latn`), or nil.
    public let script: String?
    /// 2 upper-case letters or 3 digits, or nil.
    public let region: String?

    /// The longest tag the rule admits (`abc-Abcd-ABC` has 12 characters, so has `abc-Abcd-123`).
    public static let maximumLength = 12
    /// The rule as a POSIX regular expression over the normalised form (the SQL CHECK's).
    public static let sqlPattern = "^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$"

    /// Parses `text` by the rule above, in any letter case; nil for anything else.
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8.prefix(Self.maximumLength + 1))
        guard bytes.count <= Self.maximumLength else { return nil }
        let subtags = bytes.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard (1...3).contains(subtags.count), let first = subtags.first,
            (2...3).contains(first.count), first.allSatisfy(Self.isLetter)
        else { return nil }
        var script: String?
        var region: String?
        for subtag in subtags.dropFirst() {
            if script == nil, region == nil, subtag.count == 4, subtag.allSatisfy(Self.isLetter) {
                script = Self.lower(subtag).capitalizedASCII
            } else if region == nil, subtag.count == 2, subtag.allSatisfy(Self.isLetter) {
                region = Self.lower(subtag).uppercasedASCII
            } else if region == nil, subtag.count == 3, subtag.allSatisfy(Self.isDigit) {
                region = String(decoding: subtag, as: UTF8.self)
            } else {
                return nil
            }
        }
        self.language = Self.lower(first)
        self.script = script
        self.region = region
    }

    /// The normalised tag: `de`, `de-AT`, `sr-Latn-RS`.
    public var description: String {
        [language, script, region].compactMap { $0 }.joined(separator: "-")
    }

    /// The tag and its shorter forms, most specific first (RFC 4647 lookup: drop subtags from the
    /// end): `sr-Latn-RS`, `sr-Latn`, `sr`.
    public var lookupChain: [String] {
        var chain = [description]
        if script != nil, region != nil { chain.append("\(language)-\(script!)") }
        if script != nil || region != nil { chain.append(language) }
        return chain
    }

    /// The first of `lookupChain` that is in `available` (normalised tags, as `description`
    /// spells them), or nil: `de-AT` → `de` when only `de` is there, `pt-BR` → nil.
    public func supported(in available: Set<String>) -> String? {
        lookupChain.first { available.contains($0) }
    }

    /// Whether `text` is already a normalised tag (what a stored locale must be).
    public static func isNormalised(_ text: some StringProtocol) -> Bool {
        LanguageTag(text)?.description == String(text)
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// ASCII letters lower-cased (the bytes are known to be ASCII letters or digits).
    private static func lower(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.map { isLetter($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}

extension String {
    /// ASCII upper case (the tag's letters are ASCII; `uppercased()` would consult the locale's
    /// Unicode rules for nothing).
    fileprivate var uppercasedASCII: String {
        String(
            decoding: utf8.map { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) ? $0 - 0x20 : $0 }, as: UTF8.self)
    }

    /// The first ASCII letter upper-cased, the rest as they are.
    fileprivate var capitalizedASCII: String {
        guard let first = utf8.first else { return self }
        let head = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) ? first - 0x20 : first
        return String(decoding: [head] + utf8.dropFirst(), as: UTF8.self)
    }
}
