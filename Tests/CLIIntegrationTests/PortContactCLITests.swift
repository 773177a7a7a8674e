import Foundation
import TestSupport
import Testing

extension AdminCLITests {
    /// Mail goes out without SMTPUTF8, so a reply-to's local part must be ASCII: the operator is
    /// told so; an internationalised domain is fine (it is written as punycode).
    @Test func aReplyToWithANonASCIILocalPartIsRefusedSayingWhy() throws {
        let port = try Self.admin(["create-port", "Contact Port"])
        try #require(port.status == 0)
        let portID = port.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let refused = try Self.admin(["set-port-contact", portID, "--reply-to", "jürgen@hafen-müritz.de"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("must be ASCII") && refused.stderr.contains("SMTPUTF8"), "\(refused.stderr)")
        let zeroWidth = try Self.admin(["set-port-contact", portID, "--reply-to", "info\u{200B}@north.example"])
        #expect(zeroWidth.status == 1, "an invisible character is refused")
        let accepted = try Self.admin(["set-port-contact", portID, "--reply-to", "Info@Hafen-Müritz.de"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
    }
}
