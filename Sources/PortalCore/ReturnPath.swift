/// Where a page sends the client after signing in, activating or resetting: the `next` a page or
/// the forward-auth redirect carried, when it is a path on this origin, else `/portal`.
///
/// A `next` is attacker-chosen (anyone can mail a sign-in link with one), so only a plain path
/// passes: it starts with one `/` (not `//`, `/\`: a browser reads those as another host), holds
/// printable ASCII only (no control character, space, backslash or raw non-ASCII: browsers
/// strip tabs and newlines, which would join `/` and `/evil.example`), has no dot segments, and
/// says the same once percent-decoded (so `/%2F/evil.example` or `/%5Cevil.example` cannot turn
/// into another host at a proxy or a browser that decodes it). Anything else falls back.
public enum ReturnPath {
    /// Where a client goes when `next` is missing or refused.
    public static let fallback = "/portal"
    /// The longest `next` kept (a longer one falls back).
    public static let maximumLength = 2048

    /// `next` when it is a safe same-origin path, else `fallback`.
    public static func safe(_ next: String?) -> String {
        guard let next, isSafe(next) else { return fallback }
        return next
    }

    /// Whether `next` is a path on this origin that cannot lead anywhere else.
    public static func isSafe(_ next: String) -> Bool {
        let bytes = Array(next.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumLength, bytes.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            return false
        }
        guard let decoded = percentDecoded(bytes) else { return false }
        return isPlainPath(bytes) && isPlainPath(decoded)
    }

    /// One leading `/`, no second `/` or `\` right after it, no `\` or control byte anywhere, no
    /// `.` or `..` segment in the path part.
    private static func isPlainPath(_ bytes: [UInt8]) -> Bool {
        guard bytes.first == UInt8(ascii: "/") else { return false }
        if bytes.count > 1, bytes[1] == UInt8(ascii: "/") || bytes[1] == UInt8(ascii: "\\") { return false }
        guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "\\") }) else { return false }
        let pathEnd = bytes.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) ?? bytes.endIndex
        for segment in bytes[..<pathEnd].split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            if segment.elementsEqual([0x2E]) || segment.elementsEqual([0x2E, 0x2E]) { return false }
        }
        return true
    }

    /// The bytes with each `%XX` decoded once; nil for a `%` not followed by two hex digits.
    private static func percentDecoded(_ bytes: [UInt8]) -> [UInt8]? {
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) else { return nil }
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }

    /// `/portal/login?next=…` for a client sent to sign in from `path` (percent-encoded, so its
    /// own `?` and `&` stay inside the one parameter); plain `/portal/login` when `path` is
    /// missing, refused, or the portal's home anyway.
    public static func loginLocation(returningTo path: String?) -> String {
        let next = safe(path)
        guard next != fallback else { return "/portal/login" }
        var encoded = ""
        for byte in next.utf8 {
            let scalar = Unicode.Scalar(byte)
            if (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || "-._~/".unicodeScalars.contains(scalar) {
                encoded.unicodeScalars.append(scalar)
            } else {
                let digits = Array("0123456789ABCDEF".utf8)
                encoded += "%" + String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return "/portal/login?next=" + encoded
    }
}
