/// Punycode (RFC 3492) and the ASCII form of a domain (IDNA's `xn--` labels), so an address on an
/// internationalised domain goes into headers and the SMTP envelope as 7-bit ASCII: a relay
/// without SMTPUTF8 refuses raw 8-bit addresses with a 5xx, and every mail of that marina would
/// go dead. The mailer never relies on SMTPUTF8 (libcurl does not tell whether the relay
/// announced it), so local parts are ASCII by the email rule (`EmailAddress`).
public enum Punycode {
    private static let base: UInt32 = 36
    private static let tMin: UInt32 = 1
    private static let tMax: UInt32 = 26
    private static let skew: UInt32 = 38
    private static let damp: UInt32 = 700
    private static let initialBias: UInt32 = 72
    private static let initialN: UInt32 = 128

    /// The Punycode of `input` (RFC 3492 §6.3): its basic code points as they are, a `-` when
    /// there were any, then the deltas of the others. Nil only on overflow (over 4 billion steps:
    /// not a label anyone can write).
    public static func encode(_ input: String) -> String? {
        let codePoints = input.unicodeScalars.map(\.value)
        var output: [UInt8] = codePoints.filter { $0 < 0x80 }.map { UInt8($0) }
        let basic = UInt32(output.count)
        var handled = basic
        if basic > 0 { output.append(UInt8(ascii: "-")) }
        var n = initialN
        var delta: UInt32 = 0
        var bias = initialBias
        while handled < UInt32(codePoints.count) {
            guard let m = codePoints.filter({ $0 >= n }).min() else { return nil }
            let (steps, overflow) = (m - n).multipliedReportingOverflow(by: handled + 1)
            guard !overflow, delta <= UInt32.max - steps else { return nil }
            delta += steps
            n = m
            for c in codePoints {
                if c < n {
                    guard delta < UInt32.max else { return nil }
                    delta += 1
                }
                if c == n {
                    var q = delta
                    var k = base
                    while true {
                        let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                        if q < t { break }
                        output.append(digit(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    output.append(digit(q))
                    bias = adapt(delta, points: handled + 1, first: handled == basic)
                    delta = 0
                    handled += 1
                }
            }
            delta += 1
            n += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The domain with every non-ASCII label as `xn--` + its Punycode (labels lower-cased and in
    /// NFC first, as the email rule stores them); ASCII labels stay as they are. Nil when a label
    /// cannot be encoded.
    public static func asciiDomain(_ domain: String) -> String? {
        var labels: [String] = []
        for label in domain.split(separator: ".", omittingEmptySubsequences: false) {
            if label.unicodeScalars.allSatisfy(\.isASCII) {
                labels.append(String(label))
                continue
            }
            let folded = EmailAddress.lowercasedNFC(String(label))
            guard let encoded = encode(folded) else { return nil }
            labels.append("xn--" + encoded)
        }
        return labels.joined(separator: ".")
    }

    /// `local@domain` with the domain in its ASCII form (the local part is ASCII by the rule; an
    /// address without `@` is returned as it is).
    public static func asciiAddress(_ address: String) -> String? {
        guard let at = address.lastIndex(of: "@") else { return address }
        guard let domain = asciiDomain(String(address[address.index(after: at)...])) else { return nil }
        return address[..<at] + "@" + domain
    }

    private static func digit(_ value: UInt32) -> UInt8 {
        value < 26 ? UInt8(ascii: "a") + UInt8(value) : UInt8(ascii: "0") + UInt8(value - 26)
    }

    private static func adapt(_ delta: UInt32, points: UInt32, first: Bool) -> UInt32 {
        var delta = first ? delta / damp : delta / 2
        delta += delta / points
        var k: UInt32 = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }
}
