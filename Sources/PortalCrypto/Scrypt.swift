import COpenSSL

/// scrypt cost parameters: N = 2^ln, block size r, parallelism p.
public struct ScryptParameters: Sendable, Equatable, CustomStringConvertible {
    public let ln: Int
    public let r: Int
    public let p: Int

    /// OWASP / ASVS 5.0 minimum and the project's default: ln=17 (N=131072), r=8, p=1 — 128 MiB.
    public static let `default` = ScryptParameters(uncheckedLn: 17, r: 8, p: 1)
    /// The seed's Node defaults, used by legacy hashes: N=16384, r=8, p=1.
    public static let legacyNode = ScryptParameters(uncheckedLn: 14, r: 8, p: 1)

    /// Accepted ranges: ln 10…22, r 1…32, p 1…16, and at most 2 GiB of memory per hash.
    public init(ln: Int, r: Int, p: Int) throws(ScryptError) {
        guard (10...22).contains(ln), (1...32).contains(r), (1...16).contains(p) else {
            throw ScryptError.parametersOutOfRange
        }
        self.init(uncheckedLn: ln, r: r, p: p)
        guard memoryBytes <= 2 << 30 else { throw ScryptError.parametersOutOfRange }
    }

    private init(uncheckedLn ln: Int, r: Int, p: Int) {
        self.ln = ln
        self.r = r
        self.p = p
    }

    /// Parses `ln=17,r=8,p=1` (the `PORTAL_SCRYPT` and PHC form; any order).
    public init(parsing text: String) throws(ScryptError) {
        var values: [String: Int] = [:]
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, let value = Int(pair[1].trimmingSpaces), values[String(pair[0].trimmingSpaces)] == nil else {
                throw ScryptError.malformed
            }
            values[String(pair[0].trimmingSpaces)] = value
        }
        guard values.count == 3, let ln = values["ln"], let r = values["r"], let p = values["p"] else {
            throw ScryptError.malformed
        }
        try self.init(ln: ln, r: r, p: p)
    }

    /// N = 2^ln.
    public var n: UInt64 { 1 << UInt64(ln) }

    /// Work units of one hash, N · r · p: time grows with it (memory with N · r only).
    public var cost: UInt64 { n * UInt64(r) * UInt64(p) }

    /// Memory one hash needs: 128 · N · r bytes (plus 128 · r · p for the B blocks).
    public var memoryBytes: UInt64 { 128 * UInt64(r) * (n + UInt64(p) + 2) }

    public var description: String { "ln=\(ln),r=\(r),p=\(p)" }
}

/// Why scrypt could not run or a hash could not be read.
public enum ScryptError: Error, Equatable, CustomStringConvertible {
    case parametersOutOfRange
    case malformed
    case failed

    public var description: String {
        switch self {
        case .parametersOutOfRange:
            return "scrypt parameters out of range (ln 10-22, r 1-32, p 1-16, at most 2 GiB)"
        case .malformed: return "malformed scrypt parameters or hash"
        case .failed: return "scrypt failed"
        }
    }
}

/// scrypt itself, through OpenSSL's `EVP_PBE_scrypt`. Blocking and memory-hungry: call it from
/// the hash worker pool, never from an event loop.
public enum Scrypt {
    /// Derives `length` bytes. `N` must be a power of two.
    public static func derive(password: [UInt8], salt: [UInt8], n: UInt64, r: UInt64, p: UInt64, length: Int) throws(ScryptError) -> [UInt8] {
        var key = [UInt8](repeating: 0, count: length)
        let maxMemory = 128 * r * (n + p + 2) + (1 << 20)
        // A non-empty buffer even for an empty password, so the pointer is never NULL.
        let passBuffer = password.isEmpty ? [0] : password
        let ok = passBuffer.withUnsafeBufferPointer { pass in
            salt.withUnsafeBufferPointer { s in
                key.withUnsafeMutableBufferPointer { out in
                    EVP_PBE_scrypt(
                        UnsafeRawPointer(pass.baseAddress!).assumingMemoryBound(to: CChar.self),
                        password.count, s.count == 0 ? nil : s.baseAddress, s.count, n, r, p, maxMemory,
                        out.baseAddress, out.count)
                }
            }
        }
        guard ok == 1 else { throw ScryptError.failed }
        return key
    }

    /// Derives with `ScryptParameters`.
    public static func derive(password: [UInt8], salt: [UInt8], parameters: ScryptParameters, length: Int) throws(ScryptError) -> [UInt8] {
        try derive(password: password, salt: salt, n: parameters.n, r: UInt64(parameters.r), p: UInt64(parameters.p), length: length)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}
