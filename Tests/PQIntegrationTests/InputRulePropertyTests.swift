import Foundation
import PQ
import PortalCore
import PortalCrypto
import TestSupport
import Testing

/// One email rule and one hash rule, identical in SQL and Swift: thousands of generated strings
/// (and the examples that once got through) go through `portal.email_normalized` /
/// `portal.is_email` / `portal.is_password_hash` and through `EmailAddress` / `PasswordHash.Stored`,
/// and every answer must agree.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh"))
struct InputRulePropertyTests {
    /// SplitMix64: the same strings on every run, so a disagreement can be replayed.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    /// Pieces an address is made of: the rule's characters, their neighbours, and the characters
    /// that once slipped through or that Swift and Postgres might treat differently.
    static let pieces: [String] = {
        var pieces = (0x21...0x7E).map { String(Unicode.Scalar(UInt8($0))) }
        pieces += ["a", "b", "z", "q", "0", "9", ".", ".", "-", "@", "@", "A", "Z", "_"]
        pieces += [
            " ", "\t", "\n", "\r", "\u{0B}", "\u{85}", "\u{A0}", "\u{1680}", "\u{2000}", "\u{200A}", "\u{2028}", "\u{202F}",
            "\u{205F}", "\u{3000}", "\u{200B}", "\u{200C}", "\u{200D}", "\u{200E}", "\u{202E}", "\u{2066}", "\u{FEFF}",
            "\u{AD}", "\u{34F}", "\u{180E}", "\u{2024}", "\u{3002}", "\u{FF0E}", "\u{FF20}", "\u{FF61}", "\u{FE0F}",
            "\u{E000}", "\u{F0000}", "\u{E0041}", "\u{1D173}", "\u{7F}", "\u{80}", "\u{9F}", "\u{1}",
            "ü", "Ü", "u\u{308}", "U\u{308}", "ß", "ẞ", "İ", "ı", "Σ", "σ", "ς", "é", "e\u{301}", "Å", "Ω", "K",
            "ǅ", "ﬁ", "中", "ж", "Ж", "ﾀ", "한", "ا", "१", "٣", "😀", "☃", "\u{378}", "Ⅻ", "ⓐ", "Ⓐ",
        ]
        return pieces
    }()

    static func generatedAddresses(count: Int) -> [String] {
        var random = Generator(state: 0x5EED_0F_E4A1)
        let localPieces = ["a", "b", "x", "0", "7", "q", "r", "s", "t", "ab", "xy", ".", "+", "-", "_", "'", "=", "/", "%", "?",
                           "!", "~", "A", "Q"]
        let labelPieces = ["a", "m", "0", "ab", "cd", "ef", "-", "ü", "Ü", "中", "xn--", "b", "Z", "é", "e\u{301}", "ж", "Σ", "ß", "ẞ"]
        var addresses: [String] = []
        for index in 0..<count {
            var address = ""
            if index % 3 == 0 {
                // Free: any pieces at all.
                for _ in 0..<(1 + random.below(24)) { address += random.pick(pieces) }
            } else {
                // Nearly right: local@label.label…, then a few mutations.
                for _ in 0..<(1 + random.below(10)) { address += random.pick(localPieces) }
                address += "@"
                for label in 0..<(1 + random.below(4)) {
                    if label > 0 { address += "." }
                    for _ in 0..<(1 + random.below(6)) { address += random.pick(labelPieces) }
                }
                address += random.pick(["", ".de", ".de", ".com", ".example", ".123", ".", "..de", ".рф"])
                var scalars = Array(address.unicodeScalars)
                for _ in 0..<(random.below(2) == 0 ? 0 : 1 + random.below(2)) {
                    let piece = Array(random.pick(pieces).unicodeScalars)
                    let at = random.below(scalars.count + 1)
                    switch random.below(3) {
                    case 0: scalars.insert(contentsOf: piece, at: at)
                    case 1: if at < scalars.count { scalars.remove(at: at) }
                    default: if at < scalars.count { scalars[at] = piece[0] }
                    }
                }
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars)
                address = String(view)
            }
            if random.below(6) == 0 { address = random.pick([" ", "\u{A0}", "\t", "\u{3000}"]) + address }
            if random.below(6) == 0 { address += random.pick([" ", "\u{A0}", "\n", "\u{202F}"]) }
            if random.below(20) == 0 { address = String(repeating: "a", count: 60 + random.below(10)) + "@" + address }
            if random.below(20) == 0 { address += "." + String(repeating: "b", count: 60 + random.below(200)) + ".de" }
            addresses.append(address)
        }
        return addresses
    }

    /// The examples of the rule's history: each was once accepted somewhere and must now be refused.
    static let examples = [
        "deckhand@yawl.example\u{A0}", "ja\u{200B}ne@example.com", "jane@exa\u{202E}mple.com",
        "evil%40attacker.example?x=@north.example", "info@hafen-müritz.de", "Info@Hafen-MÜRITZ.DE", "jürgen@hafen.de",
        "İnga@example.com", "\u{FEFF}jane@example.com", "a@b.c", "owner@example.com", "o'brien@example.ie",
    ]

    /// SQL's answers for many strings in one round trip: the normalised form (or NULL) and
    /// is_email, in order.
    static func sqlVerdicts(_ connection: Connection, _ addresses: [String]) throws -> [(normalized: String?, valid: Bool)] {
        let json = String(decoding: try JSONEncoder().encode(addresses), as: UTF8.self)
        let rows = try connection.query("""
            select portal.email_normalized(a.value) as normalized, portal.is_email(a.value) as valid
              from jsonb_array_elements_text($1::jsonb) with ordinality a(value, n) order by a.n
            """, [json])
        return try rows.map { (try $0.decode("normalized", as: String.self), try $0.require("valid", as: Bool.self)) }
    }

    @Test func swiftAndSQLGiveEveryAddressTheSameVerdictAndForm() throws {
        let connection = try TestDatabase.connect()
        let addresses = Self.examples + Self.generatedAddresses(count: 6000)
        let verdicts = try Self.sqlVerdicts(connection, addresses)
        try #require(verdicts.count == addresses.count)
        var accepted = 0
        var disagreements = 0
        for (address, sql) in zip(addresses, verdicts) {
            let swift = EmailAddress.normalized(address)
            // Compared code point by code point: == on Swift strings would equate NFC and NFD.
            let same = swift.map { Array($0.unicodeScalars) } == sql.normalized.map { Array($0.unicodeScalars) }
            if !same || EmailAddress.isValid(address) != sql.valid {
                disagreements += 1
                if disagreements <= 10 {
                    Issue.record("""
                        \(address.unicodeScalars.map { String($0.value, radix: 16) }): Swift \(swift.debugDescription) \
                        valid \(EmailAddress.isValid(address)), SQL \(sql.normalized.debugDescription) valid \(sql.valid)
                        """)
                }
            }
            if swift != nil { accepted += 1 }
        }
        #expect(disagreements == 0)
        // The generator must exercise both sides of the rule, or agreement proves little.
        #expect(accepted > 500 && accepted < addresses.count - 500, "accepted \(accepted) of \(addresses.count)")
    }

    @Test func theExamplesThatOnceGotThroughAreRefusedByBoth() throws {
        let refused = ["deckhand@yawl.example\u{A0}x", "ja\u{200B}ne@example.com", "jane@exa\u{202E}mple.com",
                       "evil%40attacker.example?x=@north.example", "jürgen@hafen.de"]
        let verdicts = try Self.sqlVerdicts(try TestDatabase.connect(), refused)
        for (address, sql) in zip(refused, verdicts) {
            #expect(sql.normalized == nil && !sql.valid, "SQL accepted \(address.debugDescription)")
            #expect(EmailAddress.normalized(address) == nil, "Swift accepted \(address.debugDescription)")
        }
        let trailing = try Self.sqlVerdicts(try TestDatabase.connect(), ["deckhand@yawl.example\u{A0}"])
        #expect(trailing.first?.normalized == "deckhand@yawl.example", "a trailing no-break space is stripped, not stored")
    }

    static func generatedHashes(count: Int) -> [String] {
        var random = Generator(state: 0x4A54_0FFE)
        func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: random.next()) } }
        var hashes: [String] = []
        for _ in 0..<count {
            var hash: String
            if random.below(3) == 0 {
                let salt = Base64.encodeURL(bytes(random.pick([0, 4, 15, 16, 16, 16, 17, 32])))
                let key = Base64.encodeURL(bytes(random.pick([16, 32, 63, 64, 64, 64, 65])))
                hash = salt + ":" + key
            } else {
                let ln = random.pick([0, 5, 9, 10, 12, 14, 17, 20, 22, 23, 99])
                let r = random.pick([0, 1, 8, 16, 32, 33])
                let p = random.pick([0, 1, 2, 16, 17])
                let salt = Base64.encode(bytes(random.pick([3, 7, 8, 16, 16, 32, 64, 65])))
                let key = Base64.encode(bytes(random.pick([7, 8, 12, 32, 32, 64, 65])))
                let parameters = random.pick(["ln=\(ln),r=\(r),p=\(p)", "ln=\(ln),r=\(r),p=\(p)", "r=\(r),ln=\(ln),p=\(p)",
                                              "ln=0\(ln),r=\(r),p=\(p)", "ln=\(ln), r=\(r),p=\(p)", "ln=\(ln),r=\(r)"])
                hash = "$scrypt$\(parameters)$\(salt)$\(key)"
            }
            switch random.below(8) {
            case 0: hash += "="
            case 1: hash = hash.replacingOccurrences(of: "A", with: "B")  // may leave stray bits
            case 2: hash = hash.replacingOccurrences(of: "/", with: "_")
            case 3: hash = " " + hash
            default: break
            }
            hashes.append(hash)
        }
        return hashes
    }

    @Test func swiftAndSQLAcceptExactlyTheSameHashes() throws {
        let hashes = Self.generatedHashes(count: 4000) + [
            "$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5",
            "33BaejFVlRY1npL4J77_5g:ziG3ou1pnOG-OCfSwa6bGYkCcVtcuKPJefXC0DGyEIlh4dn7BOm7AJ9LAeb56sPkrr7xcgHZoiuf-pH6zFdGog",
            "c2FsdHNhbHQ:bGVnYWN5bGVnYWN5", "$scrypt$ln=5,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
        ]
        let json = String(decoding: try JSONEncoder().encode(hashes), as: UTF8.self)
        let verdicts = try TestDatabase.connect().query("""
            select portal.is_password_hash(h.value) as ok
              from jsonb_array_elements_text($1::jsonb) with ordinality h(value, n) order by h.n
            """, [json]).map { try $0.require("ok", as: Bool.self) }
        try #require(verdicts.count == hashes.count)
        var accepted = 0
        var disagreements = 0
        for (hash, sql) in zip(hashes, verdicts) {
            let swift = PasswordHash.Stored(hash) != nil
            if swift != sql {
                disagreements += 1
                if disagreements <= 10 { Issue.record("\(hash): Swift \(swift), SQL \(sql)") }
            }
            if swift { accepted += 1 }
        }
        #expect(disagreements == 0)
        #expect(accepted > 200 && accepted < hashes.count - 200, "accepted \(accepted) of \(hashes.count)")
    }
}
