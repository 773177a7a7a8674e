@testable import Gateway
import Testing

/// The byte-level `Cookie` parser every portal request goes through.
@Suite struct CookieParsingTests {
    private func value(_ header: String, _ name: String = "__Host-portal_session") -> String? {
        SessionCookie.value(named: Array(name.utf8), in: Array(header.utf8))
    }

    @Test func findsTheNamedPairAmongOthers() {
        #expect(value("__Host-portal_session=abc.def.ghi") == "abc.def.ghi")
        #expect(value("a=1; __Host-portal_session=tok; b=2") == "tok")
        #expect(value("a=1;__Host-portal_session=tok") == "tok", "no space after the semicolon")
        #expect(value("a=1; \t__Host-portal_session = tok \t; b=2") == "tok", "blanks around name and value")
    }

    @Test func refusesLookalikesAndBrokenPairs() {
        #expect(value("x__Host-portal_session=tok") == nil, "a longer name is another cookie")
        #expect(value("__Host-portal_sessio=tok") == nil)
        #expect(value("__Host-portal_session") == nil, "no '='")
        #expect(value("") == nil)
        #expect(value(";;;") == nil)
    }

    @Test func keepsEverythingAfterTheFirstEquals() {
        #expect(value("__Host-portal_session=a=b") == "a=b", "the signer refuses '=' later; the parser does not hide it")
        #expect(value("__Host-portal_session=") == "", "an empty value is a value")
        #expect(value("__Host-portal_session=first; __Host-portal_session=second") == "first", "the first pair wins")
    }

    @Test func bytesThatAreNotUTF8DoNotCrash() {
        let header: [UInt8] = Array("__Host-portal_session=".utf8) + [0xff, 0xfe, 0x41]
        #expect(SessionCookie.value(named: Array("__Host-portal_session".utf8), in: header) == "\u{FFFD}\u{FFFD}A")
    }
}
