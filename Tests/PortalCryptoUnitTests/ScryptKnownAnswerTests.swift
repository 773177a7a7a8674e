import Foundation
import PortalCrypto
import Testing

/// RFC 7914 §12 vectors and the hashes the seed's Node service made (`legacy-scrypt-node.json`).
@Suite struct ScryptKnownAnswerTests {
    struct RFCVector: Decodable {
        let P: String
        let S: String
        let N: UInt64
        let r: UInt64
        let p: UInt64
        let dkLen: Int
        let dk: String
    }

    struct LegacyVector: Decodable {
        let password: String
        let hash: String
    }

    static func fixture(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        return try Data(contentsOf: url)
    }

    static let rfc: [RFCVector] = {
        struct File: Decodable { let vectors: [RFCVector] }
        return (try? JSONDecoder().decode(File.self, from: fixture("rfc7914-scrypt")))?.vectors ?? []
    }()

    static let legacy: [LegacyVector] = (try? JSONDecoder().decode([LegacyVector].self, from: fixture("legacy-scrypt-node"))) ?? []

    @Test func fixturesAreLoaded() {
        #expect(Self.rfc.count == 4)
        #expect(Self.legacy.count == 4)
    }

    /// All four RFC vectors, including the 1 GiB one (N = 2^20), which takes a few seconds.
    @Test(arguments: 0..<4)
    func scryptMatchesRFC7914(index: Int) throws {
        let vector = try #require(Self.rfc.dropFirst(index).first)
        let key = try Scrypt.derive(
            password: Array(vector.P.utf8), salt: Array(vector.S.utf8), n: vector.N, r: vector.r, p: vector.p,
            length: vector.dkLen)
        #expect(key.hex == vector.dk)
    }

    @Test(arguments: 0..<4)
    func legacyNodeHashVerifiesAndAsksForRehash(index: Int) throws {
        let vector = try #require(Self.legacy.dropFirst(index).first)
        let result = PasswordHash.verify(
            asTyped: vector.password, normalized: vector.password.precomposedStringWithCompatibilityMapping,
            stored: vector.hash, current: .default)
        #expect(result == .init(matches: true, needsRehash: true))
    }

    @Test func legacyHashRefusesAWrongPassword() throws {
        let vector = try #require(Self.legacy.first)
        let result = PasswordHash.verify(asTyped: vector.password + "x", normalized: vector.password + "x", stored: vector.hash, current: .default)
        #expect(!result.matches)
    }

    /// Node hashed the bytes as typed: the NFC "ü" of "Zürich" must not be normalised away
    /// before a legacy verify, and a decomposed spelling (u + U+0308) must not match.
    @Test func legacyHashUsesTheBytesAsTyped() throws {
        let vector = try #require(Self.legacy.first { $0.password.hasPrefix("Z") })
        let decomposed = vector.password.decomposedStringWithCanonicalMapping
        #expect(Array(decomposed.utf8) != Array(vector.password.utf8))
        let result = PasswordHash.verify(asTyped: decomposed, normalized: vector.password, stored: vector.hash, current: .default)
        #expect(!result.matches)
    }
}
