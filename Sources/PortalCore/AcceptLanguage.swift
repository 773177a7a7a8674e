/// The `Accept-Language` request header (RFC 9110 §12.5.4) read for one purpose: which of the
/// portal's languages a browser prefers. Any byte string is safe input: the work is capped at
/// `maximumBytes` and `maximumEntries`, whatever the header's length.
///
/// How an entry counts:
/// - `range;q=value`: the range is `*` or subtags of 1–8 letters and digits joined by `-` (the
///   first letters only), any case; anything else (spaces inside, `_`, non-ASCII) drops the entry.
/// - `q` is a number from 0 to 1 (`0.8`, `1`, `0.125`; more than three decimals are cut, as the
///   RFC allows no more); the name `Q` counts too. A `q` that is not such a number (`q=high`,
///   `q=2`, `q=-1`, `q=.5`) drops the entry: guessing 1 would promote a language the browser
///   meant to rank low. Other parameters are ignored; the first `q` counts.
/// - `q=0` means "not this one": `el;q=0` excludes `el` wherever else it is listed or reached by
///   falling back (`el-GR` → `el`); `*;q=0` excludes the wildcard.
/// - Preference: higher `q` first, then the order in the header.
/// - A range finds its language by RFC 4647 lookup: itself, then shorter by one subtag at a time
///   (`de-CH-1996` → `de-CH` → `de`), compared without regard to case.
/// - `*` stands for "any other language": it yields `fallback` (the caller's default) when that
///   is supported and not excluded, and otherwise lets the next entry decide.
public enum AcceptLanguage {
    /// Bytes of the header looked at; an entry cut by this limit is dropped whole (a cut `de-AT`
    /// must not read as `de-A`). Browsers send well under 200.
    public static let maximumBytes = 2048
    /// Entries looked at, in header order.
    public static let maximumEntries = 32

    /// One entry: the range (lower case, or `*`) and its weight in thousandths (0…1000).
    public struct Entry: Equatable, Sendable {
        public let range: String
        public let quality: Int
        public init(range: String, quality: Int) {
            self.range = range
            self.quality = quality
        }
    }

    /// The language of `supported` (normalised tags: `de`, `pt-BR`) the header prefers most, or
    /// `fallback` if a `*` is the best it offers, or nil when nothing listed is supported.
    public static func preferred(_ header: some StringProtocol, supported: Set<String>, fallback: String? = nil)
        -> String?
    {
        let entries = Self.entries(header)
        // Lower-cased spelling → the caller's spelling, for case-insensitive lookup.
        var byLowercase: [String: String] = [:]
        for language in supported { byLowercase[Self.lowercasedASCII(language)] = language }
        var excluded = Set<String>()
        var wildcardExcluded = false
        for entry in entries where entry.quality == 0 {
            if entry.range == "*" {
                wildcardExcluded = true
            } else if let language = byLowercase[entry.range] {
                excluded.insert(language)
            }
        }
        // Stable: equal weights keep the header's order.
        let ranked = entries.enumerated().filter { $0.element.quality > 0 }
            .sorted { ($0.element.quality, -$0.offset) > ($1.element.quality, -$1.offset) }
            .map(\.element)
        for entry in ranked {
            if entry.range == "*" {
                if !wildcardExcluded, let fallback, supported.contains(fallback), !excluded.contains(fallback) {
                    return fallback
                }
                continue
            }
            var candidate = Substring(entry.range)
            while true {
                if let language = byLowercase[String(candidate)] {
                    if !excluded.contains(language) { return language }
                    break
                }
                guard let dash = candidate.lastIndex(of: "-") else { break }
                candidate = candidate[..<dash]
            }
        }
        return nil
    }

    /// The header's well-formed entries, in header order (at most `maximumEntries`).
    public static func entries(_ header: some StringProtocol) -> [Entry] {
        var bytes = Array(header.utf8.prefix(maximumBytes + 1))
        if bytes.count > maximumBytes {
            // Cut: keep only the entries that ended before the limit.
            bytes.removeLast(bytes.count - maximumBytes)
            if let comma = bytes.lastIndex(of: UInt8(ascii: ",")) {
                bytes.removeSubrange(comma...)
            } else {
                bytes.removeAll()
            }
        }
        var entries: [Entry] = []
        for element in bytes.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: true) {
            guard entries.count < maximumEntries else { break }
            if let entry = Self.entry(element) { entries.append(entry) }
        }
        return entries
    }

    private static func entry(_ bytes: ArraySlice<UInt8>) -> Entry? {
        let parts = bytes.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false).map(Self.trimmed)
        guard let rangeBytes = parts.first, let range = Self.range(rangeBytes) else { return nil }
        var quality = 1000
        for parameter in parts.dropFirst() {
            guard parameter.count >= 2, parameter[parameter.startIndex] | 0x20 == UInt8(ascii: "q"),
                parameter[parameter.startIndex + 1] == UInt8(ascii: "=")
            else { continue }
            guard let value = Self.quality(parameter.dropFirst(2)) else { return nil }
            quality = value
            break
        }
        return Entry(range: range, quality: quality)
    }

    /// `*`, or 1–8 letters then `-` and 1–8 letters or digits, any number of times; lower-cased.
    private static func range(_ bytes: ArraySlice<UInt8>) -> String? {
        if bytes.elementsEqual([UInt8(ascii: "*")]) { return "*" }
        guard !bytes.isEmpty else { return nil }
        let subtags = bytes.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        for (index, subtag) in subtags.enumerated() {
            guard (1...8).contains(subtag.count),
                subtag.allSatisfy({
                    isLetter($0) || (index > 0 && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0))
                })
            else { return nil }
        }
        return String(decoding: bytes.map { isLetter($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// `0`, `1`, `0.d…`, `1.0…` → thousandths; anything else nil. Digits past the third decimal
    /// are cut; a value of more than 18 characters is refused.
    private static func quality(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard let first = bytes.first, first == UInt8(ascii: "0") || first == UInt8(ascii: "1"), bytes.count <= 18
        else {
            return nil
        }
        let whole = Int(first - UInt8(ascii: "0"))
        let rest = bytes.dropFirst()
        if rest.isEmpty { return whole * 1000 }
        guard rest.first == UInt8(ascii: "."),
            rest.dropFirst().allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        var thousandths = 0
        for (position, digit) in rest.dropFirst().prefix(3).enumerated() {
            thousandths += Int(digit - UInt8(ascii: "0")) * [100, 10, 1][position]
        }
        if whole == 1 {
            // 1.000 is the most there is: 1.5 is not a weight.
            return rest.dropFirst().allSatisfy({ $0 == UInt8(ascii: "0") }) ? 1000 : nil
        }
        return thousandths
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let start = bytes.firstIndex(where: { !isSpace($0) }), let end = bytes.lastIndex(where: { !isSpace($0) })
        else {
            return []
        }
        return bytes[start...end]
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }

    private static func lowercasedASCII(_ text: String) -> String {
        String(decoding: text.utf8.map { isLetter($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
