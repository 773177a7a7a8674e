import COpenSSL

/// SHA-256, HMAC-SHA256, random bytes and constant-time comparison, from OpenSSL libcrypto —
/// the project's one crypto library (DESIGN §1).
public enum Digest {
    /// SHA-256 of `bytes` (32 bytes).
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBufferPointer { input in
            EVP_Digest(input.baseAddress, input.count, &out, &length, EVP_sha256(), nil)
        }
        precondition(ok == 1 && length == 32, "EVP_Digest(SHA-256) failed")
        return out
    }

    /// SHA-256 of the UTF-8 bytes of `text`.
    public static func sha256(_ text: String) -> [UInt8] {
        sha256(Array(text.utf8))
    }

    /// HMAC-SHA256 of `data` under `key` (32 bytes).
    public static func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let result = key.withUnsafeBufferPointer { k in
            data.withUnsafeBufferPointer { d in
                HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), d.baseAddress, d.count, &out, &length)
            }
        }
        precondition(result != nil && length == 32, "HMAC-SHA256 failed")
        return out
    }

    /// `count` bytes from OpenSSL's CSPRNG.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        let ok = out.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        precondition(ok == 1, "RAND_bytes failed")
        return out
    }

    /// Compares in time that depends only on the length (`CRYPTO_memcmp`).
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, a.count) == 0 }
        }
    }
}

/// An HMAC-SHA256 key set up once (OpenSSL 3 `EVP_MAC`): the MAC is fetched and the key's inner
/// and outer pads computed at start-up, and each message costs a copy of that keyed context —
/// instead of the name lookup, fetch and key set-up the one-shot `HMAC()` repeats on every call.
/// The session check verifies a cookie with it on every portal request.
public final class HMACKey: @unchecked Sendable {
    /// Keyed once in `init`, then only read (duplicated), so it is shared between threads.
    private let keyed: OpaquePointer

    /// Fetched once; OpenSSL documents a fetched algorithm as safe to share between threads.
    nonisolated(unsafe) private static let mac: OpaquePointer = {
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else { preconditionFailure("EVP_MAC_fetch(HMAC) failed") }
        return mac
    }()

    public init(_ key: [UInt8]) {
        guard let context = EVP_MAC_CTX_new(Self.mac) else { preconditionFailure("EVP_MAC_CTX_new failed") }
        var digest = Array("SHA256".utf8CString)
        let ok = digest.withUnsafeMutableBufferPointer { name in
            var parameters = [
                OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, name.baseAddress, 0),
                OSSL_PARAM_construct_end(),
            ]
            return key.withUnsafeBufferPointer { bytes in
                EVP_MAC_init(context, bytes.baseAddress, bytes.count, &parameters)
            }
        }
        precondition(ok == 1, "EVP_MAC_init(HMAC-SHA256) failed")
        keyed = context
    }

    deinit {
        EVP_MAC_CTX_free(keyed)
    }

    /// HMAC-SHA256 of `data` (32 bytes).
    public func authenticate(_ data: [UInt8]) -> [UInt8] {
        guard let context = EVP_MAC_CTX_dup(keyed) else { preconditionFailure("EVP_MAC_CTX_dup failed") }
        defer { EVP_MAC_CTX_free(context) }
        var out = [UInt8](repeating: 0, count: 32)
        var length = 0
        let ok = data.withUnsafeBufferPointer { input in
            EVP_MAC_update(context, input.baseAddress, input.count) == 1
                && EVP_MAC_final(context, &out, &length, 32) == 1
        }
        precondition(ok && length == 32, "HMAC-SHA256 failed")
        return out
    }
}

