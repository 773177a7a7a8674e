import PortalCrypto
import Testing

@Suite struct PasswordHashTests {
    static let fast = try! ScryptParameters(ln: 10, r: 8, p: 1)

    @Test func phcHashRoundTrips() throws {
        let hash = try PasswordHash.make(password: "a long enough passphrase", parameters: Self.fast)
        #expect(hash.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        let parts = hash.split(separator: "$")
        #expect(Base64.decode(String(parts[2]))?.count == 16)
        #expect(Base64.decode(String(parts[3]))?.count == 32)
        #expect(PasswordHash.verify(asTyped: "x", normalized: "a long enough passphrase", stored: hash, current: Self.fast)
            == .init(matches: true, needsRehash: false))
        #expect(!PasswordHash.verify(asTyped: "x", normalized: "a long enough passphrasE", stored: hash, current: Self.fast).matches)
    }

    @Test func hashWithOtherParametersAsksForRehash() throws {
        let hash = try PasswordHash.make(password: "a long enough passphrase", parameters: Self.fast)
        let stronger = try ScryptParameters(ln: 11, r: 8, p: 1)
        #expect(PasswordHash.verify(asTyped: "", normalized: "a long enough passphrase", stored: hash, current: stronger)
            == .init(matches: true, needsRehash: true))
    }

    @Test func aStrongerStoredHashIsNotDowngraded() throws {
        let hash = try PasswordHash.make(password: "a long enough passphrase", parameters: try ScryptParameters(ln: 11, r: 8, p: 1))
        #expect(PasswordHash.verify(asTyped: "", normalized: "a long enough passphrase", stored: hash, current: Self.fast)
            == .init(matches: true, needsRehash: false))
    }

    /// A memory bomb: a stored hash may not make a sign-in allocate more than twice
    /// the configured memory, nor use more threads than configured.
    @Test(arguments: ["$scrypt$ln=20,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
                      "$scrypt$ln=10,r=32,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
                      "$scrypt$ln=10,r=8,p=4$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"])
    func storedParametersAboveTheBudgetAreRefusedUnrun(stored: String) throws {
        let started = ContinuousClock.now
        let result = PasswordHash.verify(asTyped: "p", normalized: "p", stored: stored, current: Self.fast)
        #expect(result == .init(matches: false, needsRehash: false, refused: true))
        // ln=20 would take seconds and 1 GiB; refused, it costs one dummy run at ln=10.
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    @Test func twiceTheMemoryIsStillVerified() throws {
        let hash = try PasswordHash.make(password: "a long enough passphrase", parameters: try ScryptParameters(ln: 11, r: 8, p: 1))
        #expect(!PasswordHash.verify(asTyped: "", normalized: "a long enough passphrase", stored: hash, current: Self.fast).refused)
    }

    /// Every verification costs at least one at the current parameters: a cheaper stored hash
    /// is topped up with dummy runs whose work adds up exactly, shaped like a current run.
    @Test func cheaperHashesAreToppedUpToTheCurrentCost() throws {
        #expect(PasswordHash.topUpRuns(spent: ScryptParameters.legacyNode.cost, to: .default) == [.init(n: 1 << 17, r: 7)])
        for ln in 10...16 {
            let current = try ScryptParameters(ln: 17, r: 8, p: 1)
            let spent = try ScryptParameters(ln: ln, r: 8, p: 1).cost
            let runs = PasswordHash.topUpRuns(spent: spent, to: current)
            #expect(spent + runs.map { $0.n * UInt64($0.r) }.reduce(0, +) == current.cost, "ln=\(ln)")
            #expect(runs.allSatisfy { $0.n * UInt64($0.r) < current.n * UInt64(current.r) },
                    "no top-up run needs as much memory as a current hash")
        }
        #expect(PasswordHash.topUpRuns(spent: ScryptParameters.default.cost, to: .default).isEmpty)
        #expect(PasswordHash.topUpRuns(spent: ScryptParameters.default.cost * 2, to: .default).isEmpty)
    }

    @Test func theSaltIsFreshEachTime() throws {
        let a = try PasswordHash.make(password: "same password here", parameters: Self.fast)
        let b = try PasswordHash.make(password: "same password here", parameters: Self.fast)
        #expect(a != b)
    }

    @Test(arguments: ["", "garbage", "$scrypt$ln=99,r=8,p=1$AAAA$AAAA", "$scrypt$ln=10,r=8$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAA", "a:b:c"])
    func malformedHashesNeverMatch(stored: String) {
        #expect(!PasswordHash.verify(asTyped: "p", normalized: "p", stored: stored, current: Self.fast).matches)
    }

    @Test func parametersParseAndRefuseOutOfRange() throws {
        #expect(try ScryptParameters(parsing: "ln=17,r=8,p=1") == .default)
        #expect(try ScryptParameters(parsing: "p=1, r=8, ln=17") == .default)
        #expect(ScryptParameters.default.memoryBytes >= 128 * 131072 * 8)
        #expect(throws: ScryptError.parametersOutOfRange) { try ScryptParameters(parsing: "ln=40,r=8,p=1") }
        #expect(throws: ScryptError.parametersOutOfRange) { try ScryptParameters(parsing: "ln=17,r=0,p=1") }
        #expect(throws: ScryptError.malformed) { try ScryptParameters(parsing: "ln=17,r=8") }
        #expect(throws: ScryptError.malformed) { try ScryptParameters(parsing: "ln=17,r=8,p=1,ln=3") }
    }
}

@Suite struct TokenAndDigestTests {
    @Test func tokenDerivationFollowsTheDesign() throws {
        let key = try TokenKey(secret: String(repeating: "k", count: 32))
        let raw = key.rawToken(tokenID: "0b7e0c3e-1111-4222-8333-444455556666")
        #expect(raw.utf8.count == 43)
        #expect(TokenKey.isWellFormed(raw))
        let expected = Base64.encodeURL(Digest.hmacSHA256(
            key: Array(String(repeating: "k", count: 32).utf8),
            data: Array("portal-token:v1:0b7e0c3e-1111-4222-8333-444455556666".utf8)))
        #expect(raw == expected)
        #expect(key.rawToken(tokenID: "0b7e0c3e-1111-4222-8333-444455556666") == raw, "retries derive the same token")
        #expect(key.rawToken(tokenID: "another") != raw)
    }

    @Test func shortTokenKeysAreRefused() {
        #expect(throws: SecretError.tooShort(name: "PORTAL_TOKEN_KEY", minimum: 32)) {
            try TokenKey(secret: String(repeating: "k", count: 31))
        }
    }

    /// RFC 4231 test case 2 and the SHA-256 of "abc" (FIPS 180-2).
    @Test func digestsMatchKnownAnswers() {
        #expect(Digest.hmacSHA256(key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8)).hex
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(Digest.sha256("abc").hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func base64RoundTripsAndRejectsJunk() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(($0 * 37 + 11) % 256) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
            #expect(Base64.decodeURL(Base64.encodeURL(bytes)) == bytes)
        }
        #expect(Base64.decodeURL("ab+c") == nil)
        #expect(Base64.decode("a") == nil)
        #expect(Base64.encode([0xfb, 0xff]) == "+/8")
    }

    @Test func constantTimeEqualityComparesContentAndLength() {
        #expect(Digest.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!Digest.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!Digest.constantTimeEqual([1, 2, 3], [1, 2]))
    }
}
