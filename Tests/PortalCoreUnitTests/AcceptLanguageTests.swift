import PortalCore
import Testing

/// `Accept-Language` → one of the portal's languages.
@Suite struct AcceptLanguageTests {
    static let supported: Set<String> = ["en", "de", "fr", "es", "it", "nl", "hr", "el", "da", "sv"]

    @Test(arguments: [
        ("de-AT,de;q=0.9", "de"),
        ("fr-CH, fr;q=0.9, en;q=0.8", "fr"),
        ("el;q=0, de", "de"),
        ("de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7", "de"),
        ("en;q=0.5, de;q=0.8", "de"),
        ("fr;q=0.8, de;q=0.8", "fr"),
        ("DE-at", "de"),
        ("de-CH-1996", "de"),
        ("zh-Hant-TW, sv;q=0.1", "sv"),
        ("el;q=0, el-GR, de;q=0.5", "de"),
        ("*;q=0, de", "de"),
        ("*, de;q=0.5", "de"),
        ("hr;q=0.1,ja", "hr"),
        ("de;q=abc, fr;q=0.2", "fr"),
        ("de;q=2, fr;q=0.2", "fr"),
        ("de;q=.5, fr;q=0.2", "fr"),
        ("de;q=-1, fr;q=0.2", "fr"),
        ("de;q=1.5, fr;q=0.2", "fr"),
        ("de;Q=0.5, fr;q=0.4", "de"),
        ("de;level=1;q=0.3, fr;q=0.4", "fr"),
        ("de;q=0.8999, fr;q=0.9", "fr"),
        ("de;q=1.000, fr;q=0.999", "de"),
        ("  \tnl  ;  q=0.5 ,, ,en;q=0.4", "nl"),
        ("de;q=0., fr", "fr"),
        ("de;q=0.000, de-AT", ""),
    ])
    func browsersHeadersPickALanguage(header: String, expected: String) {
        #expect(
            AcceptLanguage.preferred(header, supported: Self.supported) == (expected.isEmpty ? nil : expected),
            "\(header)")
    }

    @Test(arguments: [
        "", " ", ",,,", ";q=1", "q=1", "ja, zh-CN;q=0.9", "de_AT", "de AT", "dé", "\u{0}de", "12-de", "de-",
        "toolonglanguage", "\u{FEFF}de", "*;q=0.5", "en;q=0, *", "de;q=x;q=1",
    ])
    func garbageOrNothingSupportedIsNil(header: String) {
        #expect(AcceptLanguage.preferred(header, supported: Self.supported) == nil, "\(header)")
    }

    @Test func theWildcardYieldsTheCallersDefaultUnlessExcluded() {
        #expect(AcceptLanguage.preferred("*;q=0.5", supported: Self.supported, fallback: "hr") == "hr")
        #expect(AcceptLanguage.preferred("ja, *;q=0.5", supported: Self.supported, fallback: "en") == "en")
        #expect(AcceptLanguage.preferred("*, en;q=0", supported: Self.supported, fallback: "en") == nil)
        #expect(AcceptLanguage.preferred("*;q=0", supported: Self.supported, fallback: "en") == nil)
        #expect(
            AcceptLanguage.preferred("*;q=0.5", supported: Self.supported, fallback: "pt") == nil,
            "only a supported default")
        #expect(AcceptLanguage.preferred("de;q=0.4, *;q=0.5", supported: Self.supported, fallback: "en") == "en")
    }

    @Test func aRegionalCatalogueIsPreferredWhenThere() {
        let supported: Set<String> = ["en", "pt-BR", "pt"]
        #expect(AcceptLanguage.preferred("pt-br", supported: supported) == "pt-BR")
        #expect(AcceptLanguage.preferred("pt-PT", supported: supported) == "pt")
    }

    @Test func entriesKeepHeaderOrderAndWeights() {
        #expect(
            AcceptLanguage.entries("de-AT, de;q=0.9, *;q=0") == [
                .init(range: "de-at", quality: 1000), .init(range: "de", quality: 900), .init(range: "*", quality: 0),
            ])
    }

    @Test func aHugeHeaderIsReadOnlyUpToItsCaps() {
        let flood = String(repeating: "xx-yy;q=0.1, ", count: 200_000) + "de"
        #expect(AcceptLanguage.preferred(flood, supported: Self.supported) == nil, "past the cap is never read")
        #expect(AcceptLanguage.entries(flood).count == AcceptLanguage.maximumEntries)
        let longOne = String(repeating: "a", count: 5_000_000)
        #expect(AcceptLanguage.entries(longOne).isEmpty)
    }

    @Test func anEntryCutByTheByteCapIsDropped() {
        let padding = String(repeating: " ", count: AcceptLanguage.maximumBytes - 12)
        let header = "fr;q=0.1," + padding + ",de-AT"  // "de-AT" straddles the cap
        #expect(AcceptLanguage.entries(header) == [.init(range: "fr", quality: 100)])
        let fits = "fr;q=0.1," + String(repeating: " ", count: AcceptLanguage.maximumBytes - 16) + ",de-AT"
        #expect(AcceptLanguage.entries(fits).map(\.range) == ["fr", "de-at"])
    }

    /// Properties over generated headers (seeded, so a failure repeats): what comes back is
    /// supported, never a language the header excludes outright, the same whatever the header's
    /// letter case, and a header naming one supported language alone gets it. The fuzz target
    /// `accept` checks the same over arbitrary bytes.
    @Test func propertiesHoldForGeneratedHeaders() {
        var generator = PropertyTests.Generator(state: 43)
        let ranges = [
            "de", "de-AT", "fr-CH", "EL", "hr", "xx", "*", "sr-Latn-RS", "en-US", "da", "", " ", "é", "de_AT",
            "zz-ZZ-zz",
        ]
        let weights = [
            "", ";q=0", ";q=1", ";q=0.5", ";q=0.123", ";q=0.9999", ";q=x", ";q=", ";Q=0.7", ";level=1", ";q=1.1",
        ]
        for _ in 0..<5_000 {
            let count = Int.random(in: 0...6, using: &generator)
            let header = (0..<count).map { _ in
                ranges.randomElement(using: &generator)! + weights.randomElement(using: &generator)!
            }.joined(separator: Bool.random(using: &generator) ? "," : ", ")
            let fallback = Bool.random(using: &generator) ? "en" : nil
            let picked = AcceptLanguage.preferred(header, supported: Self.supported, fallback: fallback)
            if let picked {
                #expect(Self.supported.contains(picked), "\(header)")
                let excluded = AcceptLanguage.entries(header).contains { $0.quality == 0 && $0.range == picked }
                #expect(!excluded, "\(header) excluded \(picked)")
            }
            #expect(
                AcceptLanguage.preferred(header.uppercased(), supported: Self.supported, fallback: fallback) == picked,
                "\(header)")
            #expect(
                AcceptLanguage.preferred(header, supported: Self.supported, fallback: fallback) == picked,
                "deterministic")
        }
        for language in Self.supported {
            #expect(AcceptLanguage.preferred(language, supported: Self.supported) == language)
            #expect(AcceptLanguage.preferred("\(language)-XX;q=0.3", supported: Self.supported) == language)
        }
    }
}
