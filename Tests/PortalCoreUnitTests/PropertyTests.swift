import PortalCore
import PortalCrypto
import Testing

/// Property-based tests: laws that must hold for every input, checked on many generated ones.
/// The generator is seeded, so a failure names its case and repeats on the next run.
@Suite struct PropertyTests {
    /// SplitMix64: small, fast, and the same sequence on every platform.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Scalars a person might type: ASCII, accented Latin, Greek, CJK, emoji, combining marks,
    /// full-width and ligature forms (which NFKC changes), and spaces.
    static let pools: [ClosedRange<UInt32>] = [
        0x20...0x7E, 0xC0...0x17F, 0x391...0x3C9, 0x4E00...0x4E80, 0x1F600...0x1F64F, 0x300...0x36F,
        0xFF01...0xFF5E, 0xFB00...0xFB06, 0x2000...0x200A,
    ]

    static func text(_ g: inout Generator, length: ClosedRange<Int>) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: length, using: &g) {
            let pool = pools.randomElement(using: &g)!
            if let scalar = Unicode.Scalar(UInt32.random(in: pool, using: &g)) { scalars.append(scalar) }
        }
        return String(scalars)
    }

    static func bytes(_ g: inout Generator, count: ClosedRange<Int>) -> [UInt8] {
        (0..<Int.random(in: count, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }
    }

    @Test func anyPasswordThePolicyAcceptsHashesAndVerifiesAndNoOtherDoes() throws {
        var g = Generator(state: 17)
        let policy = PasswordPolicy(minimumLength: 12, commonPasswords: [])
        let parameters = try ScryptParameters(ln: 10, r: 1, p: 1)
        var accepted = 0
        for index in 0..<60 {
            let typed = Self.text(&g, length: 8...40)
            guard policy.violations(of: typed).isEmpty else { continue }
            accepted += 1
            let normalized = PasswordPolicy.normalize(typed)
            let stored = try PasswordHash.make(password: normalized, parameters: parameters)
            #expect(PasswordHash.verify(asTyped: typed, normalized: normalized, stored: stored, current: parameters).matches,
                    "case \(index): \(typed.unicodeScalars.map { String($0.value, radix: 16) })")
            // One character more is another password.
            let other = PasswordPolicy.normalize(typed + "x")
            #expect(!PasswordHash.verify(asTyped: typed + "x", normalized: other, stored: stored, current: parameters).matches)
            // The stored form parses back to what was made.
            #expect(PasswordHash.Stored(stored) != nil)
        }
        #expect(accepted >= 20, "the generator must reach the policy's accepted space (\(accepted) of 60)")
    }

    @Test func normalisingAPasswordTwiceChangesNothing() {
        var g = Generator(state: 23)
        for _ in 0..<2000 {
            let typed = Self.text(&g, length: 0...30)
            let once = PasswordPolicy.normalize(typed)
            #expect(PasswordPolicy.normalize(once) == once)
        }
    }

    @Test func base64RoundTripsEveryByteString() {
        var g = Generator(state: 29)
        for _ in 0..<3000 {
            let input = Self.bytes(&g, count: 0...96)
            #expect(Base64.decodeURL(Base64.encodeURL(input)) == input)
            #expect(Base64.decode(Base64.encode(input)) == input)
            #expect(!Base64.encodeURL(input).contains(where: { "+/=".contains($0) }))
        }
    }

    @Test func emailNormalisationIsIdempotentAndKeepsTheRule() {
        var g = Generator(state: 31)
        let locals = ["ann", "a.b", "İnga", "o'neil", "x+tag", "数据", "z"]
        let domains = ["sloop.example", "xn--bcher-kva.example", "b.co", "例え.テスト"]
        var valid = 0
        for _ in 0..<3000 {
            let spaces = [" ", "\t", "\n", "", "  "]
            let raw = spaces.randomElement(using: &g)! + locals.randomElement(using: &g)!
                + (Bool.random(using: &g) ? "@" : Self.text(&g, length: 0...2))
                + domains.randomElement(using: &g)! + spaces.randomElement(using: &g)!
            guard let once = EmailAddress.trimmed(raw) else {
                // Refused input stays refused however often it is trimmed.
                #expect(EmailAddress.trimmed(raw.trimmingCharacters(in: .whitespacesAndNewlines)) == nil)
                continue
            }
            valid += 1
            #expect(EmailAddress.trimmed(once) == once)
            #expect(EmailAddress.isValid(once))
            let forbidden: Set<Character> = ["<", ">", ",", " ", "\t", "\n"]
            #expect(!once.contains(where: { forbidden.contains($0) }))
        }
        #expect(valid >= 500, "the generator must reach valid addresses (\(valid))")
    }

    @Test func aSignedSessionVerifiesAndAnyOneBitFlipIsRefused() throws {
        var g = Generator(state: 37)
        let signer = try SessionSigner(secret: "property-test-secret-0123456789abcdefghij", issuer: "https://portal.example")
        let now = 1_800_000_000
        for index in 0..<200 {
            let claims = SessionClaims(
                sub: Self.text(&g, length: 1...20), cid: Self.text(&g, length: 1...20), pid: Self.text(&g, length: 1...20),
                sv: Int.random(in: 1...1_000_000, using: &g), jti: Base64.encodeURL(Self.bytes(&g, count: 16...16)),
                iat: now - 10, exp: now + Int.random(in: 60...86_400, using: &g), iss: "https://portal.example", aud: "portal-auth")
            let token = signer.sign(claims)
            #expect(signer.verify(token, now: now) == claims, "case \(index)")
            var bytes = Array(token.utf8)
            let position = Int.random(in: 0..<bytes.count, using: &g)
            bytes[position] ^= UInt8(1) << UInt8.random(in: 0...6, using: &g)
            let flipped = String(decoding: bytes, as: UTF8.self)
            #expect(signer.verify(flipped, now: now) == nil, "case \(index): a flip at \(position) was accepted")
        }
    }
}
