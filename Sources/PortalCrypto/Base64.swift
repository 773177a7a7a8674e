/// Base64 in the two alphabets the project meets: standard without padding (PHC strings) and
/// URL-safe without padding (tokens, the seed's legacy hashes, JWTs). Decoding accepts either
/// padding style and rejects anything else.
public enum Base64 {
    private static let standard = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlSafe = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Standard alphabet, no padding (the PHC string format's "B64").
    public static func encode(_ bytes: [UInt8]) -> String { encode(bytes, alphabet: standard) }

    /// URL-safe alphabet, no padding (RFC 4648 §5).
    public static func encodeURL(_ bytes: [UInt8]) -> String { encode(bytes, alphabet: urlSafe) }

    /// Decodes the standard alphabet; nil when malformed.
    public static func decode(_ text: String) -> [UInt8]? { decode(text, table: standardTable) }

    /// Decodes the URL-safe alphabet; nil when malformed.
    public static func decodeURL(_ text: String) -> [UInt8]? { decode(text, table: urlSafeTable) }

    /// Character → 6-bit value (-1: not in the alphabet), built once.
    private static let standardTable = table(for: standard)
    private static let urlSafeTable = table(for: urlSafe)

    private static func table(for alphabet: [UInt8]) -> [Int8] {
        var table = [Int8](repeating: -1, count: 256)
        for (index, c) in alphabet.enumerated() { table[Int(c)] = Int8(index) }
        return table
    }

    private static func encode(_ bytes: [UInt8], alphabet: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)]]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)]]
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func decode(_ text: String, table: [Int8]) -> [UInt8]? {
        var input = Array(text.utf8)
        while input.last == UInt8(ascii: "=") { input.removeLast() }
        if input.count % 4 == 1 { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(input.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for c in input {
            let value = table[Int(c)]
            if value < 0 { return nil }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(buffer >> UInt32(bits) & 0xFF))
            }
        }
        // Leftover bits must be zero (canonical encoding).
        if bits > 0 && buffer & ((1 << UInt32(bits)) - 1) != 0 { return nil }
        return out
    }
}

extension Array where Element == UInt8 {
    /// Lower-case hex (digests in logs, migration checksums, rate-limit keys).
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
