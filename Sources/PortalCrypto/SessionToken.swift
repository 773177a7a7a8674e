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

extension SessionClaims {
    /// The claims from the compact JSON this service's signer writes (`JSONEncoder`, sorted keys:
    /// no whitespace, strings with at most `\/`, `\"` and `\\` escaped, integers), read byte by
    /// byte: `JSONDecoder` was a tenth of the gateway's CPU per /me. Nil for anything outside
    /// that shape — another escape, whitespace, an unknown, missing or repeated key, a wrong
    /// type, a fraction or leading zero, invalid UTF-8 — and the caller falls back to
    /// `JSONDecoder`, so this reader decides nothing on its own: it only ever sees a payload whose
    /// MAC already checked out, and where it answers, it answers what `JSONDecoder` would. (It
    /// also reads a few spellings the signer never writes — keys in any order, a raw `/`, `-0` —
    /// exactly as `JSONDecoder` does; the `claims` fuzz target holds the two together.)
    init?(compactJSON bytes: [UInt8]) {
        var strings: [String?] = [nil, nil, nil, nil, nil, nil]  // sub cid pid jti iss aud
        var integers: [Int?] = [nil, nil, nil]  // sv iat exp
        var i = 0
        let n = bytes.count
        func string() -> String? {
            guard i < n, bytes[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            var out: [UInt8] = []
            while i < n {
                let byte = bytes[i]
                i += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(validating: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard i < n else { return nil }
                    let escaped = bytes[i]
                    i += 1
                    guard escaped == UInt8(ascii: "/") || escaped == UInt8(ascii: "\"") || escaped == UInt8(ascii: "\\")
                    else { return nil }
                    out.append(escaped)
                case 0..<0x20:
                    return nil
                default:
                    out.append(byte)
                }
            }
            return nil
        }
        func integer() -> Int? {
            let start = i
            if i < n, bytes[i] == UInt8(ascii: "-") { i += 1 }
            let digits = i
            while i < n, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
            // JSON's integer grammar: at least one digit, no leading zero; nothing after it that
            // would make it a fraction or an exponent.
            guard i > digits, i - digits == 1 || bytes[digits] != UInt8(ascii: "0") else { return nil }
            if i < n, bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") { return nil }
            return Int(String(decoding: bytes[start..<i], as: UTF8.self))
        }
        guard n >= 2, bytes[0] == UInt8(ascii: "{") else { return nil }
        i = 1
        while true {
            guard let key = string(), i < n, bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            let stringSlot: Int?, integerSlot: Int?
            switch key {
            case "sub": (stringSlot, integerSlot) = (0, nil)
            case "cid": (stringSlot, integerSlot) = (1, nil)
            case "pid": (stringSlot, integerSlot) = (2, nil)
            case "jti": (stringSlot, integerSlot) = (3, nil)
            case "iss": (stringSlot, integerSlot) = (4, nil)
            case "aud": (stringSlot, integerSlot) = (5, nil)
            case "sv": (stringSlot, integerSlot) = (nil, 0)
            case "iat": (stringSlot, integerSlot) = (nil, 1)
            case "exp": (stringSlot, integerSlot) = (nil, 2)
            default: return nil
            }
            if let slot = stringSlot {
                guard strings[slot] == nil, let value = string() else { return nil }
                strings[slot] = value
            } else if let slot = integerSlot {
                guard integers[slot] == nil, let value = integer() else { return nil }
                integers[slot] = value
            }
            guard i < n else { return nil }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            guard bytes[i] == UInt8(ascii: "}"), i == n - 1 else { return nil }
            break
        }
        guard let sub = strings[0], let cid = strings[1], let pid = strings[2], let jti = strings[3],
              let iss = strings[4], let aud = strings[5], let sv = integers[0], let iat = integers[1], let exp = integers[2]
        else { return nil }
        self.init(sub: sub, cid: cid, pid: pid, sv: sv, jti: jti, iat: iat, exp: exp, iss: iss, aud: aud)
    }
}

/// HS256 JWTs signed and verified with OpenSSL's HMAC, strictly per RFC 8725: the algorithm is
/// pinned (the header must say HS256; `none` and every other algorithm are refused), the MAC is
/// checked in constant time before the payload is parsed, and `exp`, `iat`, `iss` and `aud` are
/// all required and checked.
///
/// Rotation: the header carries a `kid`, a fingerprint of the secret that signed it. The current
/// secret signs; previous secrets (`PORTAL_JWT_PREVIOUS_SECRETS`) still verify the cookies they
/// signed until those expire. A `kid` that names no configured secret is refused, and a cookie is
/// only ever checked against the one secret its `kid` names. A cookie without a `kid` (signed
/// before kids existed) is checked against the current secret only.
public struct SessionSigner: Sendable {
    /// Shared coders: made once, not per cookie (Foundation's are safe to share once configured).
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
    private static let decoder = JSONDecoder()

    /// One secret and its fingerprint.
    struct Key: Sendable {
        let bytes: [UInt8]
        let mac: HMACKey
        let kid: String
        /// The header this key writes, recognised without parsing.
        let header: Substring
    }

    private let current: Key
    private let previous: [Key]
    /// The longest session this service issues (`PORTAL_SESSION_TTL`): a cookie of a previous
    /// secret that claims a longer life was not made by this service (whoever still holds a
    /// retired secret cannot mint long-lived cookies with it).
    private let maximumLifetime: Int?
    public let issuer: String
    public let audience: String
    /// Clock skew tolerated for `iat` in the future.
    public let leeway: Int = 60
    static let maximumLength = 4096
    /// The header of a cookie signed before kids existed.
    private static let legacyHeader = Base64.encodeURL(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))

    /// `secret` is `PORTAL_JWT_SECRET` (≥ 32 bytes); `previousSecrets` are the secrets it replaced
    /// (`PORTAL_JWT_PREVIOUS_SECRETS`), each ≥ 32 bytes too.
    public init(
        secret: String, previousSecrets: [String] = [], maximumLifetime: Int? = nil, issuer: String, audience: String = "portal-auth"
    ) throws(SecretError) {
        self.maximumLifetime = maximumLifetime
        current = try Self.key(secret, name: "PORTAL_JWT_SECRET")
        var previous: [Key] = []
        for old in previousSecrets {
            let key = try Self.key(old, name: "PORTAL_JWT_PREVIOUS_SECRETS")
            if key.kid != current.kid && !previous.contains(where: { $0.kid == key.kid }) { previous.append(key) }
        }
        self.previous = previous
        self.issuer = issuer
        self.audience = audience
    }

    private static func key(_ secret: String, name: String) throws(SecretError) -> Key {
        let bytes = Array(secret.utf8)
        guard bytes.count >= 32 else { throw SecretError.tooShort(name: name, minimum: 32) }
        let kid = keyID(of: bytes)
        let header = Base64.encodeURL(Array(#"{"alg":"HS256","kid":"\#(kid)","typ":"JWT"}"#.utf8))
        return Key(bytes: bytes, mac: HMACKey(bytes), kid: kid, header: Substring(header))
    }

    /// A short public fingerprint of a secret: the first 8 bytes of SHA-256 over a label and the
    /// secret, base64url (11 characters). It names the secret; it cannot help guess it.
    public static func keyID(of secret: [UInt8]) -> String {
        Base64.encodeURL(Array(Digest.sha256(Array("portal-auth session kid\u{0}".utf8) + secret).prefix(8)))
    }

    /// The `kid` new cookies carry.
    public var currentKeyID: String { current.kid }
    /// The `kid`s still accepted: the current one first.
    public var keyIDs: [String] { [current.kid] + previous.map(\.kid) }

    /// The key that must have signed a token with this header, or nil. The header must say HS256,
    /// name a configured `kid` (or none: the current key), and at most `typ: JWT`, nothing else.
    func key(forHeader encoded: Substring) -> Key? {
        if encoded == current.header || encoded == Self.legacyHeader { return current }
        if let key = previous.first(where: { $0.header == encoded }) { return key }
        guard let bytes = Base64.decodeURL(String(encoded)),
              let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              object["alg"] as? String == "HS256", object["crit"] == nil,
              object["typ"] == nil || object["typ"] as? String == "JWT",
              Set(object.keys).isSubset(of: ["alg", "typ", "kid"])
        else { return nil }
        guard let kidValue = object["kid"] else { return current }
        guard let kid = kidValue as? String else { return nil }
        return ([current] + previous).first { $0.kid == kid }
    }

    /// Whether a header is acceptable at all (kept for the fuzz target and tests).
    func acceptsHeader(_ encoded: Substring) -> Bool { key(forHeader: encoded) != nil }

    /// A signed token for `claims`, with the current key.
    public func sign(_ claims: SessionClaims) -> String {
        let payload = Base64.encodeURL(Array((try? Self.encoder.encode(claims)) ?? Data()))
        let signingInput = "\(current.header).\(payload)"
        let mac = current.mac.authenticate(Array(signingInput.utf8))
        return "\(signingInput).\(Base64.encodeURL(mac))"
    }

    /// The claims of a valid token, or nil: wrong shape, wrong algorithm, unknown `kid`, bad MAC,
    /// expired, issued in the future, or for another issuer or audience.
    public func verify(_ token: String, now: Int = Int(Date().timeIntervalSince1970)) -> SessionClaims? {
        // One session, one spelling: base64url without padding only ('+' and '/' are not in the
        // alphabet either), so a cookie with '=' appended is not another valid copy.
        guard token.utf8.count <= Self.maximumLength, !token.utf8.contains(UInt8(ascii: "=")) else { return nil }
        // Split at the two dots through the UTF-8 view (its indices are the string's own): this
        // runs on every portal request, and a `Character` split costs more than the MAC.
        let utf8 = token.utf8
        guard let firstDot = utf8.firstIndex(of: UInt8(ascii: ".")),
              let secondDot = utf8[utf8.index(after: firstDot)...].firstIndex(of: UInt8(ascii: ".")),
              !utf8[utf8.index(after: secondDot)...].contains(UInt8(ascii: "."))
        else { return nil }
        let header = token[..<firstDot]
        let body = token[token.index(after: firstDot)..<secondDot]
        guard let key = key(forHeader: header),
              let signature = Base64.decodeURL(String(token[token.index(after: secondDot)...])), signature.count == 32
        else { return nil }
        let expected = key.mac.authenticate(Array(utf8[..<secondDot]))
        guard Digest.constantTimeEqual(expected, signature),
              let payload = Base64.decodeURL(String(body)),
              let claims = SessionClaims(compactJSON: payload) ?? (try? Self.decoder.decode(SessionClaims.self, from: Data(payload))),
              claims.exp > now, claims.iat <= now + leeway, claims.iss == issuer, claims.aud == audience
        else { return nil }
        if key.kid != current.kid, let maximumLifetime, claims.exp - claims.iat > maximumLifetime + leeway { return nil }
        return claims
    }
}
