import Foundation

/// The claims of a session cookie (DESIGN §6).
public struct SessionClaims: Codable, Sendable, Equatable {
    /// Portal user id.
    public let sub: String
    /// Client id.
    public let cid: String
    /// Port id.
    public let pid: String
    /// The user's session epoch when the session was issued.
    public let sv: Int
    /// Session id (sign-out revokes it).
    public let jti: String
    public let iat: Int
    public let exp: Int
    public let iss: String
    public let aud: String

    public init(sub: String, cid: String, pid: String, sv: Int, jti: String, iat: Int, exp: Int, iss: String, aud: String) {
        self.sub = sub
        self.cid = cid
        self.pid = pid
        self.sv = sv
        self.jti = jti
        self.iat = iat
        self.exp = exp
        self.iss = iss
        self.aud = aud
    }
}

/// HS256 JWTs signed and verified with OpenSSL's HMAC, strictly per RFC 8725: the algorithm is
/// pinned (the header must say HS256; `none` and every other algorithm are refused), the MAC is
/// checked in constant time before the payload is parsed, and `exp`, `iat`, `iss` and `aud` are
/// all required and checked.
public struct SessionSigner: Sendable {
    private let key: [UInt8]
    public let issuer: String
    public let audience: String
    /// Clock skew tolerated for `iat` in the future.
    public let leeway: Int = 60
    static let maximumLength = 4096
    private static let header = Base64.encodeURL(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))

    /// `secret` is `PORTAL_JWT_SECRET` (≥ 32 bytes).
    public init(secret: String, issuer: String, audience: String = "portal-auth") throws(SecretError) {
        let bytes = Array(secret.utf8)
        guard bytes.count >= 32 else { throw SecretError.tooShort(name: "PORTAL_JWT_SECRET", minimum: 32) }
        key = bytes
        self.issuer = issuer
        self.audience = audience
    }

    /// The header must say HS256 (and at most `typ: JWT`), nothing else. The header this signer
    /// writes is recognised without parsing; any other is parsed and held to the same rule.
    static func acceptsHeader(_ encoded: Substring) -> Bool {
        if encoded == header { return true }
        guard let bytes = Base64.decodeURL(String(encoded)),
              let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        else { return false }
        return object["alg"] as? String == "HS256" && object["crit"] == nil
            && (object["typ"] == nil || object["typ"] as? String == "JWT")
    }

    /// A signed token for `claims`.
    public func sign(_ claims: SessionClaims) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let payload = Base64.encodeURL(Array((try? encoder.encode(claims)) ?? Data()))
        let signingInput = "\(Self.header).\(payload)"
        let mac = Digest.hmacSHA256(key: key, data: Array(signingInput.utf8))
        return "\(signingInput).\(Base64.encodeURL(mac))"
    }

    /// The claims of a valid token, or nil: wrong shape, wrong algorithm, bad MAC, expired,
    /// issued in the future, or for another issuer or audience.
    public func verify(_ token: String, now: Int = Int(Date().timeIntervalSince1970)) -> SessionClaims? {
        // One session, one spelling: base64url without padding only ('+' and '/' are not in the
        // alphabet either), so a cookie with '=' appended is not another valid copy.
        guard token.utf8.count <= Self.maximumLength, !token.utf8.contains(UInt8(ascii: "=")) else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, Self.acceptsHeader(parts[0]),
              let signature = Base64.decodeURL(String(parts[2])), signature.count == 32
        else { return nil }
        let expected = Digest.hmacSHA256(key: key, data: Array("\(parts[0]).\(parts[1])".utf8))
        guard Digest.constantTimeEqual(expected, signature),
              let payload = Base64.decodeURL(String(parts[1])),
              let claims = try? JSONDecoder().decode(SessionClaims.self, from: Data(payload)),
              claims.exp > now, claims.iat <= now + leeway, claims.iss == issuer, claims.aud == audience
        else { return nil }
        return claims
    }
}
