import Foundation
import PortalCore
import Testing

/// The one language-tag rule (`LanguageTag`), and its SQL form (`sqlPattern`) agreeing with it.
@Suite struct LanguageTagTests {
    @Test(arguments: [
        ("de", "de"), ("DE", "de"), ("de-at", "de-AT"), ("de-AT", "de-AT"), ("sr-latn-rs", "sr-Latn-RS"),
        ("SR-LATN-RS", "sr-Latn-RS"), ("es-419", "es-419"), ("gsw", "gsw"), ("zh-hant", "zh-Hant"), ("el-GR", "el-GR"),
        ("abc-abcd-123", "abc-Abcd-123"),
    ])
    func wellFormedTagsAreNormalised(input: String, normalised: String) throws {
        let tag = try #require(LanguageTag(input))
        #expect(tag.description == normalised)
        #expect(LanguageTag.isNormalised(normalised))
        #expect(Self.matchesSQLPattern(normalised))
    }

    @Test(arguments: [
        "", "d", "deut", "de_AT", "de-", "-de", "de--AT", "de-AT-", "de-1996", "de-AT-1996", "en-u-ca-buddhist",
        "x-klingon",
        "i-klingon", "zh-yue", " de", "de ", "d e", "dé", "de-ATT", "de-12", "de-1234", "de-Latn-Latn", "de-AT-Latn",
        "de-AT-CH",
        "abcd-Abcd-ABC", "de\u{0}", "de\nAT", "*", "de;q=1", "ελ", "de-Ａt", String(repeating: "a", count: 100),
    ])
    func junkIsRefused(input: String) {
        #expect(LanguageTag(input) == nil)
        #expect(!Self.matchesSQLPattern(input))
        #expect(!LanguageTag.isNormalised(input))
    }

    @Test func onlyTheNormalisedSpellingIsNormalised() {
        #expect(!LanguageTag.isNormalised("DE"))
        #expect(!LanguageTag.isNormalised("de-at"))
        #expect(!LanguageTag.isNormalised("sr-LATN"))
        #expect(!Self.matchesSQLPattern("de-at"))
    }

    @Test func aTagFindsItsCatalogueByDroppingSubtagsFromTheEnd() throws {
        let available: Set<String> = ["en", "de", "sr-Latn", "pt-BR"]
        #expect(LanguageTag("de-AT")?.supported(in: available) == "de")
        #expect(LanguageTag("sr-Latn-RS")?.lookupChain == ["sr-Latn-RS", "sr-Latn", "sr"])
        #expect(LanguageTag("sr-Latn-RS")?.supported(in: available) == "sr-Latn")
        #expect(LanguageTag("sr-Cyrl")?.supported(in: available) == nil)
        #expect(LanguageTag("pt-br")?.supported(in: available) == "pt-BR")
        #expect(LanguageTag("pt")?.supported(in: available) == nil, "a region's catalogue is not the language's")
        #expect(LanguageTag("fi")?.supported(in: available) == nil)
    }

    /// For any string, the SQL CHECK admits it exactly when the Swift rule calls it normalised:
    /// strings from an alphabet that reaches every branch of both rules.
    @Test func theSQLPatternAndTheSwiftRuleAgreeOnRandomStrings() {
        var generator = PropertyTests.Generator(state: 41)
        let alphabet = Array("aAzZdeLATnR-_019 é")
        var accepted = 0
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...13, using: &generator)
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            let tag = LanguageTag(text)
            if let tag {
                accepted += 1
                #expect(Self.matchesSQLPattern(tag.description), "\(text) → \(tag)")
                #expect(LanguageTag(tag.description) == tag)
                #expect(tag.description.count <= LanguageTag.maximumLength)
            }
            #expect(Self.matchesSQLPattern(text) == LanguageTag.isNormalised(text), "\(text)")
        }
        #expect(accepted > 0, "the alphabet reaches accepted tags")
    }

    /// `sqlPattern` under ICU's engine; it uses only what POSIX ERE (PostgreSQL's `~`) reads alike.
    static func matchesSQLPattern(_ text: String) -> Bool {
        text.range(of: LanguageTag.sqlPattern, options: .regularExpression) != nil && !text.contains("\n")
    }
}
