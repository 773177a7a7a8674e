#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A client's IP address in one canonical spelling, and the key its rate limits count under.
///
/// Every spelling of one address is one client: `::ffff:10.9.9.9`, `0:0:0:0:0:ffff:a09:909` and
/// `10.9.9.9` all become `10.9.9.9`; IPv6 is written in RFC 5952 form (what `inet_ntop` gives).
/// Rate limits key an IPv6 client by its /64 (one subscriber usually holds a whole /64, so a
/// per-address key would let it rotate through 2^64 buckets); the audit trail keeps the full
/// address.
public struct ClientAddress: Sendable, Equatable, CustomStringConvertible {
    /// The canonical text: dotted IPv4, or RFC 5952 IPv6. Safe to pass as `inet`.
    public let text: String
    /// The rate-limit key: the IPv4 address, or the IPv6 /64 (`2001:db8:1:2::/64`).
    public let limitKey: String

    /// Parses one address (no port, no brackets, no zone); nil for anything else.
    public init?(_ raw: some StringProtocol) {
        let candidate = raw.trimmingSpaces
        guard !candidate.isEmpty, candidate.utf8.count <= 45 else { return nil }
        var v4 = in_addr()
        if candidate.utf8.allSatisfy({ $0 == UInt8(ascii: ".") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
           inet_pton(AF_INET, candidate, &v4) == 1
        {
            self.init(v4: withUnsafeBytes(of: &v4) { Array($0) })
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, candidate, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        // IPv4-mapped (::ffff:a.b.c.d) is the IPv4 client.
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            self.init(v4: Array(bytes[12..<16]))
            return
        }
        self.init(text: Self.ntop6(bytes), limitKey: Self.ntop6(Array(bytes[0..<8]) + [UInt8](repeating: 0, count: 8)) + "/64")
    }

    private init(v4 bytes: [UInt8]) {
        let text = bytes.map { String($0) }.joined(separator: ".")
        self.init(text: text, limitKey: text)
    }

    private init(text: String, limitKey: String) {
        self.text = text
        self.limitKey = limitKey
    }

    private static func ntop6(_ bytes: [UInt8]) -> String {
        var address = in6_addr()
        withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        _ = inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count))
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public var description: String { text }

    /// 127.0.0.0/8 or ::1 (a mapped ::ffff:127.x is already IPv4 here).
    public var isLoopback: Bool { text == "::1" || text.hasPrefix("127.") }

    /// The client behind `hops` appending proxies: the `hops`-th entry of `X-Forwarded-For`
    /// from the right (each proxy appends the address it received the request from, so entries
    /// further left were written by the client and prove nothing). nil when the header has
    /// fewer entries or that entry is not a plain address (junk, `ip:port`): the caller then
    /// uses the socket peer, never a shared bucket.
    public static func forwarded(_ headerValues: [String], hops: Int) -> ClientAddress? {
        guard hops >= 1 else { return nil }
        let entries = headerValues.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
        guard entries.count >= hops else { return nil }
        return ClientAddress(entries[entries.count - hops])
    }
}

extension StringProtocol {
    fileprivate var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
