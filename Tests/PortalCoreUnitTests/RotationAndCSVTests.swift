import Foundation
import Gateway
import PortalCore
import PortalCrypto
import Testing

/// Secret rotation (`kid`): the current secret signs, previous ones still verify their own
/// cookies, nothing else is accepted. No database.
@Suite struct SessionKeyRotationTests {
    static let old = "old-jwt-secret-0123456789abcdefghijklmnop"
    static let new = "new-jwt-secret-0123456789abcdefghijklmnop"
    static let issuer = "https://portal.example"

    static func claims(now: Int = Int(Date().timeIntervalSince1970)) -> SessionClaims {
        SessionClaims(sub: "u1", cid: "c1", pid: "p1", sv: 1, jti: "j1", iat: now, exp: now + 600, iss: issuer, aud: "portal-auth")
    }

    static func header(of token: String) -> [String: Any] {
        let part = String(token.split(separator: ".")[0])
        return (try? JSONSerialization.jsonObject(with: Data(Base64.decodeURL(part)!))) as? [String: Any] ?? [:]
    }

    static func hs256(_ header: [String: Any], _ claims: SessionClaims, key: String) -> String {
        let encoder = JSONEncoder()
        let input = Base64.encodeURL(Array(try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])))
            + "." + Base64.encodeURL(Array(try! encoder.encode(claims)))
        return input + "." + Base64.encodeURL(Digest.hmacSHA256(key: Array(key.utf8), data: Array(input.utf8)))
    }

    @Test func cookiesCarryTheKidOfTheSecretThatSignedThem() throws {
        let signer = try SessionSigner(secret: Self.new, issuer: Self.issuer)
        let token = signer.sign(Self.claims())
        #expect(Self.header(of: token)["kid"] as? String == signer.currentKeyID)
        #expect(signer.currentKeyID == SessionSigner.keyID(of: Array(Self.new.utf8)))
        #expect(signer.currentKeyID.count == 11)
        #expect(signer.currentKeyID != SessionSigner.keyID(of: Array(Self.old.utf8)))
        #expect(!signer.currentKeyID.contains(Self.new.prefix(6)), "the kid does not show the secret")
    }

    @Test func aPreviousSecretStillVerifiesItsCookiesAfterARotation() throws {
        let before = try SessionSigner(secret: Self.old, issuer: Self.issuer)
        let after = try SessionSigner(secret: Self.new, previousSecrets: [Self.old], issuer: Self.issuer)
        let afterwards = try SessionSigner(secret: Self.new, issuer: Self.issuer)
        let oldCookie = before.sign(Self.claims())
        #expect(after.verify(oldCookie) == Self.claims(now: Self.claims().iat), "signed before the rotation, verified after it")
        #expect(after.verify(after.sign(Self.claims())) != nil)
        #expect(afterwards.verify(oldCookie) == nil, "once the old secret is retired, its cookies are refused")
        #expect(after.keyIDs == [after.currentKeyID, before.currentKeyID])
    }

    @Test func forgeriesUnderPreviousSecretsAreRefused() throws {
        let signer = try SessionSigner(secret: Self.new, previousSecrets: [Self.old], issuer: Self.issuer)
        let oldKid = SessionSigner.keyID(of: Array(Self.old.utf8))
        let claims = Self.claims()
        let other = "some-other-secret-0123456789abcdefghijklmn"
        let genuineOld = Self.hs256(["alg": "HS256", "kid": oldKid, "typ": "JWT"], claims, key: Self.old)
        #expect(signer.verify(genuineOld) != nil, "the control: a cookie of the previous secret with its kid")
        let forgeries: [String: String] = [
            "previous kid, another key's MAC": Self.hs256(["alg": "HS256", "kid": oldKid, "typ": "JWT"], claims, key: other),
            "current kid, the previous key's MAC": Self.hs256(
                ["alg": "HS256", "kid": signer.currentKeyID, "typ": "JWT"], claims, key: Self.old),
            "previous kid, the current key's MAC": Self.hs256(["alg": "HS256", "kid": oldKid, "typ": "JWT"], claims, key: Self.new),
            "no kid, the previous key's MAC": Self.hs256(["alg": "HS256", "typ": "JWT"], claims, key: Self.old),
            "an unknown kid": Self.hs256(["alg": "HS256", "kid": "AAAAAAAAAAA", "typ": "JWT"], claims, key: Self.new),
            "a kid that is not a string": Self.hs256(["alg": "HS256", "kid": 1, "typ": "JWT"], claims, key: Self.new),
            "alg none with the previous kid": Base64.encodeURL(Array(#"{"alg":"none","kid":"\#(oldKid)"}"#.utf8)) + "."
                + genuineOld.split(separator: ".")[1] + ".",
            "HS512 with the previous kid": Self.hs256(["alg": "HS512", "kid": oldKid, "typ": "JWT"], claims, key: Self.old),
            "an extra header field": Self.hs256(["alg": "HS256", "kid": oldKid, "typ": "JWT", "jku": "https://evil"], claims, key: Self.old),
        ]
        for (name, token) in forgeries {
            #expect(signer.verify(token) == nil, "\(name) must be refused")
        }
    }

    @Test func aPreviousSecretCannotMintCookiesLongerThanTheSessionLifetime() throws {
        let signer = try SessionSigner(secret: Self.new, previousSecrets: [Self.old], maximumLifetime: 600, issuer: Self.issuer)
        let oldKid = SessionSigner.keyID(of: Array(Self.old.utf8))
        let now = Int(Date().timeIntervalSince1970)
        func cookie(lifetime: Int, key: String, kid: String) -> String {
            let claims = SessionClaims(sub: "u1", cid: "c1", pid: "p1", sv: 1, jti: "j1", iat: now, exp: now + lifetime,
                                       iss: Self.issuer, aud: "portal-auth")
            return Self.hs256(["alg": "HS256", "kid": kid, "typ": "JWT"], claims, key: key)
        }
        #expect(signer.verify(cookie(lifetime: 600, key: Self.old, kid: oldKid)) != nil, "a session as long as ours")
        #expect(signer.verify(cookie(lifetime: 86_400 * 365, key: Self.old, kid: oldKid)) == nil, "a year-long one: not ours")
    }

    @Test func aCookieWithoutAKidIsCheckedAgainstTheCurrentSecretOnly() throws {
        let signer = try SessionSigner(secret: Self.new, previousSecrets: [Self.old], issuer: Self.issuer)
        let legacy = Self.hs256(["alg": "HS256", "typ": "JWT"], Self.claims(), key: Self.new)
        #expect(signer.verify(legacy) != nil, "signed before kids existed, by the secret still current")
    }

    @Test func shortPreviousSecretsAreRefused() {
        #expect(throws: SecretError.self) {
            _ = try SessionSigner(secret: Self.new, previousSecrets: ["too-short"], issuer: Self.issuer)
        }
    }

    @Test func previousSecretsAreReadFromTheEnvironment() throws {
        let config = try GatewayConfig.load(environment: [
            "DATABASE_URL": "host=/nowhere dbname=x", "PORTAL_JWT_SECRET": Self.new,
            "PORTAL_JWT_PREVIOUS_SECRETS": " \(Self.old) , another-old-secret-0123456789abcdefghijkl ",
        ])
        #expect(config.jwtPreviousSecrets == [Self.old, "another-old-secret-0123456789abcdefghijkl"])
        #expect(throws: ConfigError.self) {
            _ = try GatewayConfig.load(environment: [
                "DATABASE_URL": "host=/nowhere dbname=x", "PORTAL_JWT_SECRET": Self.new, "PORTAL_JWT_PREVIOUS_SECRETS": "short",
            ])
        }
    }
}

/// The import's CSV reader (RFC 4180).
@Suite struct CSVTableTests {
    @Test func readsQuotedFieldsCRLFAndABOM() throws {
        let table = try CSVTable(parsing: "\u{FEFF}ID,Name , billing_email\r\nc1,\"Boats, Ltd\",\r\nc2,\"She said \"\"hi\"\"\nand left\",b@x.example\r\n\r\n")
        #expect(table.columns == ["id", "name", "billing_email"])
        #expect(table.records.count == 2)
        #expect(table.records[0].fields == ["c1", "Boats, Ltd", ""])
        #expect(table.records[1].fields == ["c2", "She said \"hi\"\nand left", "b@x.example"])
        #expect(table.records[1].line == 3)
        #expect(table.value("billing_email", in: table.records[0].fields) == nil, "an empty value is nil")
        #expect(table.value("name", in: table.records[0].fields) == "Boats, Ltd")
    }

    @Test func saysWhatIsWrongAndWhere() {
        let cases: [(String, Int)] = [
            ("id,name\nc1\n", 2),
            ("id,name\nc1,\"open\n", 2),
            ("id,name\nc1,ab\"c\n", 2),
            ("id,name\nc1,\"a\"b\n", 2),
            ("id,id\nc1,c2\n", 1),
            ("", 1),
        ]
        for (text, line) in cases {
            do {
                _ = try CSVTable(parsing: text)
                Issue.record("\(text.debugDescription) should be refused")
            } catch {
                #expect(error.line == line, "\(text.debugDescription): \(error)")
            }
        }
    }

    @Test func namesMissingColumns() throws {
        let table = try CSVTable(parsing: "id,name\n")
        #expect(table.records.isEmpty)
        #expect(throws: CSVTable.Malformed(line: 1, reason: "missing columns port_id, email")) {
            try table.require(["id", "port_id", "email"])
        }
    }

    @Test func aFileSeparatedBySemicolonsOrTabsIsToldToUseCommas() {
        #expect(throws: CSVTable.Malformed(line: 1, reason: "the header has one column; it looks \";\"-separated: use commas")) {
            _ = try CSVTable(parsing: "id;port_id;name\nc1;p1;Ketch Ltd\n")
        }
        #expect(throws: CSVTable.Malformed(line: 1, reason: "the header has one column; it looks tab-separated: use commas")) {
            _ = try CSVTable(parsing: "id\tport_id\tname\nc1\tp1\tKetch Ltd\n")
        }
        #expect(throws: CSVTable.Malformed(line: 1, reason: "missing columns port_id, name")) {
            try CSVTable(parsing: "id\nc1;2\n").require(["id", "port_id", "name"])
        }
    }
}
