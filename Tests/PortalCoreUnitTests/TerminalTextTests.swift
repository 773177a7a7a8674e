import Foundation
import PortalCore
import Testing

/// What the admin CLI shows of database text: controls, format and bidi characters escaped, the
/// rest (accents, CJK, emoji) as it is; JSON stays the same JSON value.
@Suite struct TerminalTextTests {
    @Test func controlFormatAndBidiCharactersAreEscaped() {
        #expect(TerminalText.escaped("Øresund Marina 港 ⛵") == "Øresund Marina 港 ⛵")
        #expect(TerminalText.escaped("a\u{1B}[2Jb") == #"a\u{1B}[2Jb"#)
        #expect(TerminalText.escaped("line\r\nforged\t") == #"line\u{D}\u{A}forged\u{9}"#)
        #expect(TerminalText.escaped("\u{7F}\u{85}\u{9B}") == #"\u{7F}\u{85}\u{9B}"#)
        #expect(TerminalText.escaped("abc\u{202E}fdp.exe") == #"abc\u{202E}fdp.exe"#)
        #expect(TerminalText.escaped("zero\u{200B}width\u{2066}iso\u{FEFF}") == #"zero\u{200B}width\u{2066}iso\u{FEFF}"#)
        #expect(TerminalText.escaped("para\u{2029}line\u{2028}") == #"para\u{2029}line\u{2028}"#)
    }

    @Test func jsonKeepsItsValueAndLosesItsControls() throws {
        let value = "Eve\u{1B}]0;x\u{07}\r\n\u{202E}\u{9B}⛵𝄞"
        let data = try JSONSerialization.data(withJSONObject: ["name": value, "n": 1], options: [.prettyPrinted, .sortedKeys])
        let escaped = TerminalText.escapedJSON(String(decoding: data, as: UTF8.self))
        #expect(!escaped.unicodeScalars.contains { TerminalText.isUnsafe($0) && $0 != "\n" })
        #expect(escaped.contains(#"\u202E"#) && escaped.contains(#"\u009B"#))
        let back = try #require(try JSONSerialization.jsonObject(with: Data(escaped.utf8)) as? [String: Any])
        #expect(back["name"] as? String == value)
        #expect(back["n"] as? Int == 1)
    }
}
