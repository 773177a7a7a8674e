import Foundation
@testable import PortalCrypto
import Testing

/// The byte-level reader of session claims answers exactly what `JSONDecoder` answers wherever it
/// answers, reads everything our signer writes, and steps aside (nil) for anything else. No database.
@Suite struct ClaimsReaderTests {
    static func compact(_ claims: SessionClaims) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(claims))
    }

    static func decoded(_ bytes: [UInt8]) -> SessionClaims? {
        try? JSONDecoder().decode(SessionClaims.self, from: Data(bytes))
    }

    @Test(arguments: [
        "https://portal.example", "http://localhost:8080", "portal \"quoted\" \\ back/slash", "Hafen Süd ⚓", "",
    ])
    func readsWhatTheSignerWrites(issuer: String) throws {
        let claims = SessionClaims(
            sub: "5f0c1e2a-0000-4000-8000-000000000001", cid: "CRM-42/7", pid: "p", sv: 0, jti: "j-1", iat: -5,
            exp: Int.max, iss: issuer, aud: "portal-auth")
        let bytes = try Self.compact(claims)
        #expect(SessionClaims(compactJSON: bytes) == claims)
        #expect(Self.decoded(bytes) == claims)
    }

    @Test func aSignedCookieVerifiesThroughTheReader() throws {
        let signer = try SessionSigner(secret: "claims-reader-secret-0123456789abcdefghij", issuer: "https://portal.example")
        let now = Int(Date().timeIntervalSince1970)
        let claims = SessionClaims(sub: "u", cid: "c", pid: "p", sv: 3, jti: "j", iat: now, exp: now + 60,
                                   iss: "https://portal.example", aud: "portal-auth")
        let token = signer.sign(claims)
        let payload = try #require(Base64.decodeURL(String(token.split(separator: ".")[1])))
        #expect(SessionClaims(compactJSON: payload) == claims, "the fast path is the one taken")
        #expect(signer.verify(token, now: now) == claims)
    }

    /// Valid JSON the signer never writes (the decoder's answer stands), and invalid JSON.
    @Test(arguments: [
        #"{"aud":"a","cid":"c","exp":9,"iat":1,"iss":"i","jti":"j","pid":"p","sub":"s","sv":1}"#,  // control: read
        #"{ "aud":"a","cid":"c","exp":9,"iat":1,"iss":"i","jti":"j","pid":"p","sub":"s","sv":1}"#,
        #"{"aud":"a","cid":"c","exp":9,"iat":1,"iss":"i","jti":"j","pid":"p","sub":"s","sv":1,"x":1}"#,
        #"{"aud":"a","cid":"c","exp":9,"iat":1,"iss":"i","jti":"j","pid":"p","sub":"s","sv":1,"sv":2}"#,
        #"{"aud":"a","cid":"c","exp":9,"iat":1,"iss":"i","jti":"j","pid":"p","sub":"s"}"#,
        #"{"aud":"a","cid":"c","exp":9.5,"iat":1,"iss":"i","jti":"j","pid":"p","sub":"s","sv":1}"#,
        #"{"aud":"a","cid":"c","exp":1e3,"iat":1,"iss":"i","jti":"j","pid":"p","sub":"s","sv":1}"#,
        #"{"aud":"a","cid":"c","exp":09,"iat":1,"iss":"i","jti":"j","pid":"p","sub":"s","sv":1}"#,
        #"{"aud":"a","cid":"c","exp":-0,"iat":1,"iss":"i","jti":"j","pid":"p","sub":"s","sv":1}"#,
        #"{"aud":"a","cid":"c","exp":99999999999999999999,"iat":1,"iss":"i","jti":"j","pid":"p","sub":"s","sv":1}"#,
        #"{"aud":"a\n","cid":"c","exp":9,"iat":1,"iss":"i","jti":"j","pid":"p","sub":"s","sv":1}"#,
        #"{"aud":"\u0061","cid":"c","exp":9,"iat":1,"iss":"i","jti":"j","pid":"p","sub":"s","sv":1}"#,
        #"{"aud":"a","cid":"c","exp":"9","iat":1,"iss":"i","jti":"j","pid":"p","sub":"s","sv":1}"#,
        #"{"aud":1,"cid":"c","exp":9,"iat":1,"iss":"i","jti":"j","pid":"p","sub":"s","sv":1}"#,
        #"{"aud":"a","cid":"c","exp":9,"iat":1,"iss":"i","jti":"j","pid":"p","sub":"s","sv":1}x"#,
        #"{"aud":"a","cid":"c","exp":9,"iat":1,"iss":"i","jti":"j","pid":"p","sub":"s","sv":1,}"#,
        #"{"aud":"a","cid":"c","exp":9,"iat":1,"iss":"i","jti":"j","pid":"p","sub":"s","sv":1"#,
        #"{"aud":"a","cid":"c","exp":9,"iat":1,"iss":"i","jti":"j","pid":"p","sub":"s","sv":{}}"#,
        #"{"aud":"a\"#, "{}", "{", "", "[]", "null",
    ])
    func answersWhatJSONDecoderAnswersOrStepsAside(text: String) {
        let bytes = Array(text.utf8)
        if let read = SessionClaims(compactJSON: bytes) {
            #expect(read == Self.decoded(bytes))
        }
        // The signer's shape is read (and -0, JSON's other spelling of 0, read as the decoder does).
        let readable = [
            #"{"aud":"a","cid":"c","exp":9,"iat":1,"iss":"i","jti":"j","pid":"p","sub":"s","sv":1}"#,
            #"{"aud":"a","cid":"c","exp":-0,"iat":1,"iss":"i","jti":"j","pid":"p","sub":"s","sv":1}"#,
        ]
        #expect((SessionClaims(compactJSON: bytes) != nil) == readable.contains(text), "only the signer's own shape is read")
    }

    @Test func invalidUTF8IsNotRead() {
        var bytes = Array(#"{"aud":"a","cid":"c","exp":9,"iat":1,"iss":"i","jti":"j","pid":"p","sub":"s","sv":1}"#.utf8)
        bytes[8] = 0xFF
        #expect(SessionClaims(compactJSON: bytes) == nil)
        #expect(Self.decoded(bytes) == nil)
    }
}
