import PortalCore
import Testing

/// Punycode (RFC 3492) and the ASCII form of internationalised domains, for headers and the SMTP
/// envelope without SMTPUTF8.
@Suite struct PunycodeTests {
    /// RFC 3492 §7.1 sample strings (basic code points kept as given: the encoder does no case
    /// folding of its own).
    @Test(arguments: [
        // (A) Arabic (Egyptian)
        ([0x0644, 0x064A, 0x0647, 0x0645, 0x0627, 0x0628, 0x062A, 0x0643, 0x0644, 0x0645, 0x0648, 0x0634, 0x0639, 0x0631,
          0x0628, 0x064A, 0x061F], "egbpdaj6bu4bxfgehfvwxn"),
        // (B) Chinese (simplified)
        ([0x4ED6, 0x4EEC, 0x4E3A, 0x4EC0, 0x4E48, 0x4E0D, 0x8BF4, 0x4E2D, 0x6587], "ihqwcrb4cv8a8dqg056pqjye"),
        // (E) Hebrew
        ([0x05DC, 0x05DE, 0x05D4, 0x05D4, 0x05DD, 0x05E4, 0x05E9, 0x05D5, 0x05D8, 0x05DC, 0x05D0, 0x05DE, 0x05D3, 0x05D1,
          0x05E8, 0x05D9, 0x05DD, 0x05E2, 0x05D1, 0x05E8, 0x05D9, 0x05EA], "4dbcagdahymbxekheh6e0a7fei0b"),
        // (L) 3<nen>B<gumi><kinpachi><sensei>
        ([0x0033, 0x5E74, 0x0042, 0x7D44, 0x91D1, 0x516B, 0x5148, 0x751F], "3B-ww4c5e180e575a65lsy2b"),
        // (M) <amuro><namie>-with-SUPER-MONKEYS
        ([0x5B89, 0x5BA4, 0x5948, 0x7F8E, 0x6075, 0x002D, 0x0077, 0x0069, 0x0074, 0x0068, 0x002D, 0x0053, 0x0055, 0x0050,
          0x0045, 0x0052, 0x002D, 0x004D, 0x004F, 0x004E, 0x004B, 0x0045, 0x0059, 0x0053],
         "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n"),
        // (R) <sono><supiido><de>
        ([0x305D, 0x306E, 0x30B9, 0x30D4, 0x30FC, 0x30C9, 0x3067], "d9juau41awczczp"),
        // (S) -> $1.00 <-
        ([0x002D, 0x003E, 0x0020, 0x0024, 0x0031, 0x002E, 0x0030, 0x0030, 0x0020, 0x003C, 0x002D], "-> $1.00 <--"),
    ])
    func rfc3492SamplesEncode(codePoints: [UInt32], expected: String) {
        var text = String.UnicodeScalarView()
        for value in codePoints { text.append(Unicode.Scalar(value)!) }
        #expect(Punycode.encode(String(text)) == expected)
    }

    @Test func internationalisedDomainsBecomeXNLabels() {
        #expect(Punycode.asciiDomain("münchen.de") == "xn--mnchen-3ya.de")
        #expect(Punycode.asciiDomain("hafen-müritz.de") == "xn--hafen-mritz-zhb.de")
        #expect(Punycode.asciiDomain("Hafen-MÜRITZ.de") == "xn--hafen-mritz-zhb.de", "labels are lower-cased first")
        #expect(Punycode.asciiDomain("hafen-mu\u{308}ritz.de") == "xn--hafen-mritz-zhb.de", "and put in NFC")
        #expect(Punycode.asciiDomain("example.com") == "example.com", "an ASCII label gets no prefix")
        #expect(Punycode.asciiAddress("info@hafen-müritz.de") == "info@xn--hafen-mritz-zhb.de")
    }
}

/// The one email rule (`EmailAddress`, the same as `portal.email_normalized` in SQL: the
/// property test `InputRulePropertyTests` holds the two to identical answers).
@Suite struct EmailRuleTests {
    @Test func whiteSpaceAroundAnAddressIsStrippedWhateverItsKind() {
        #expect(EmailAddress.normalized("jane@example.com\u{A0}") == "jane@example.com")
        #expect(EmailAddress.normalized("\u{3000}Jane@Example.COM\u{202F}") == "jane@example.com")
        #expect(EmailAddress.trimmed("jane@example.com\u{A0}") == "jane@example.com")
    }

    @Test(arguments: [
        "ja\u{200B}ne@example.com", "jane@exa\u{202E}mple.com", "\u{FEFF}jane@example.com", "jane@example\u{3002}com",
        "jane\u{FF20}example.com", "evil%40attacker.example?x=@north.example", "jürgen@hafen.de", "\"jane\"@example.com",
        "jane.@example.com", ".jane@example.com", "ja..ne@example.com", "jane@-example.com", "jane@example-.com",
        "jane@example.123", "jane@example", "jane@exam_ple.com", "İnga@example.com", "jane@\u{E000}.example",
        "jane@" + String(repeating: "a", count: 64) + ".com",
    ])
    func addressesOutsideTheRuleAreRefused(address: String) {
        #expect(EmailAddress.normalized(address) == nil)
        #expect(!EmailAddress.isValid(address))
    }

    @Test func internationalisedDomainsAreLowerCasedAndComposed() {
        #expect(EmailAddress.normalized("Info@Hafen-MÜRITZ.de") == "info@hafen-müritz.de")
        #expect(EmailAddress.normalized("info@hafen-mu\u{308}ritz.de")?.unicodeScalars.count == "info@hafen-müritz.de".unicodeScalars.count)
        #expect(EmailAddress.normalized("o'brien+tag@ΣΑΣ.example") == "o'brien+tag@σασ.example", "one character at a time")
    }
}
