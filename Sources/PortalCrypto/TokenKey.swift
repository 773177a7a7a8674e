/// The token key `K` and the token scheme of DESIGN §3: tokens are derived, then sealed.
///
/// `raw = base64url(HMAC-SHA256(K, "portal-token:v1:" || token_id))` — 43 characters, 256 bits.
/// The database stores only `sha256(raw)`, so neither a dump nor the outbox holds a live token.
public struct TokenKey: Sendable {
    private let key: HMACKey

    /// `secret` is `PORTAL_TOKEN_KEY`; its UTF-8 bytes are the key. At least 32 bytes.
    public init(secret: String) throws(SecretError) {
        let bytes = Array(secret.utf8)
        guard bytes.count >= 32 else { throw SecretError.tooShort(name: "PORTAL_TOKEN_KEY", minimum: 32) }
        key = HMACKey(bytes)
    }

    /// The raw token for a token row id.
    public func rawToken(tokenID: String) -> String {
        Base64.encodeURL(key.authenticate(Array("portal-token:v1:\(tokenID)".utf8)))
    }

    /// What the database stores and looks up: SHA-256 of the raw token's bytes.
    public static func hash(rawToken: String) -> [UInt8] {
        Digest.sha256(rawToken)
    }

    /// True when `text` has the shape of a raw token (43 base64url characters).
    public static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == 43 && Base64.decodeURL(text)?.count == 32
    }
}

/// A secret that cannot be used.
public enum SecretError: Error, Equatable, CustomStringConvertible {
    case missing(name: String)
    case tooShort(name: String, minimum: Int)

    public var description: String {
        switch self {
        case .missing(let name): return "\(name) is not set"
        case .tooShort(let name, let minimum): return "\(name) must be at least \(minimum) bytes"
        }
    }
}
