import Foundation
import PortalCore
import PortalCrypto

/// One outgoing mail, rendered: envelope and RFC 5322 message bytes.
public struct MailMessage: Sendable {
    public let outboxID: Int64
    /// The envelope's sender and recipient, their domains in ASCII form (punycode): what MAIL FROM
    /// and RCPT TO carry, with no need for SMTPUTF8.
    public let from: String
    public let recipient: String
    /// The whole message (headers + MIME body), CRLF line endings.
    public let data: [UInt8]
    public let messageID: String

    /// Builds `multipart/alternative` (text + HTML) with a `Message-ID` derived from the outbox
    /// id and the mail's `messageKey` (a retried mail keeps both, so receivers can drop
    /// duplicates; after a restore set the ids back, a new mail still has a new key), a `Date`,
    /// and RFC 2047 encoded headers where they are not ASCII. Addresses (From, To, Reply-To and
    /// the envelope) carry their domains in ASCII form: every header line is 7-bit.
    /// `language`, the language the mail is written in, becomes `Content-Language` (RFC 3282)
    /// when it is a normalised BCP 47 tag (`LanguageTag`), so mail clients offer to translate the
    /// right way and screen readers speak it in the right voice.
    public init(outboxID: Int64, messageKey: String, from: String, fromName: String, recipient: String, recipientName: String?,
                subject: String, text: String, html: String, replyTo: String? = nil, date: Date = Date(),
                language: String? = nil) {
        self.outboxID = outboxID
        let from = Punycode.asciiAddress(from) ?? from
        let recipient = Punycode.asciiAddress(recipient) ?? recipient
        self.from = from
        self.recipient = recipient
        let domain = from.split(separator: "@").last.map(String.init) ?? "localhost"
        let key = String(messageKey.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") })
        messageID = "<portal-auth.mail-\(outboxID).\(key)@\(domain)>"
        let boundary = "=_portal-auth_\(outboxID)_\(Base64.encodeURL(Digest.randomBytes(9)))"
        var lines: [String] = [
            "Date: \(Self.rfc5322Date(date))",
            "From: \(Self.mailbox(name: fromName, address: from))",
            "To: \(Self.mailbox(name: recipientName, address: recipient))",
        ]
        // The marina's own address for answers (the database only stores a plain address; a
        // line break here would be a header of the sender's choosing, so it is dropped).
        if let replyTo, !replyTo.isEmpty, let ascii = Punycode.asciiAddress(replyTo),
           !ascii.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value >= 0x7F }) {
            lines.append("Reply-To: <\(ascii)>")
        }
        lines += [
            "Subject: \(Self.encodedWord(subject))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
            "Auto-Submitted: auto-generated",
        ]
        if let language, LanguageTag.isNormalised(language) {
            lines.append("Content-Language: \(language)")
        }
        lines += [
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
            "This is a multi-part message in MIME format.",
        ]
        for (type, body) in [("text/plain", text), ("text/html", html)] {
            lines += [
                "--\(boundary)",
                "Content-Type: \(type); charset=utf-8",
                "Content-Transfer-Encoding: base64",
                "",
            ]
            lines += Self.base64Lines(Array(body.utf8))
        }
        lines.append("--\(boundary)--")
        lines.append("")
        data = Array(lines.joined(separator: "\r\n").utf8)
    }

    /// `"Name" <address>` with the name RFC 2047-encoded when needed; the bare address otherwise.
    /// An encoded name is folded before the address, so no line with an encoded word passes 76
    /// characters (RFC 2047 §2) whatever the address's length.
    static func mailbox(name: String?, address: String) -> String {
        guard let name, !name.isEmpty else { return "<\(address)>" }
        let safe = name.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" }
        return safe ? "\"\(name)\" <\(address)>" : "\(encodedWord(name, force: true))\r\n <\(address)>"
    }

    /// RFC 2047 `=?UTF-8?B?…?=` for non-ASCII (or control characters), else the text as is.
    /// Each encoded word holds whole characters (a Greek letter's two bytes are never split across
    /// words, which RFC 2047 §5 forbids; a combining mark stays with its letter unless the two
    /// exceed a word) and at most
    /// `encodedWordBytes` bytes: 12 + 52 = 64 characters, under the 75 an encoded word may have,
    /// and with `Subject: ` (or a folding space) before it a line stays under the 76 a line with
    /// encoded words may have. Words are folded onto lines of their own (CRLF, space); a reader
    /// joins adjacent encoded words without the space between them (§6.2).
    static func encodedWord(_ text: String, force: Bool = false) -> String {
        let clean = text.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0.value != 0x7F }
        if clean && !force { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        // Whole characters where one fits in a word; a longer one (a letter with many combining
        // marks) by code points, still never splitting one's bytes.
        let pieces = text.flatMap { character -> [[UInt8]] in
            let bytes = Array(String(character).utf8)
            return bytes.count <= encodedWordBytes ? [bytes] : character.unicodeScalars.map { Array(String($0).utf8) }
        }
        for bytes in pieces {
            if chunk.count + bytes.count > encodedWordBytes, !chunk.isEmpty {
                words.append("=?UTF-8?B?\(standardBase64(chunk))?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?UTF-8?B?\(standardBase64(chunk))?=") }
        return words.joined(separator: "\r\n ")
    }

    /// The UTF-8 bytes one encoded word carries at most (a multiple of 3: no `=` padding inside).
    static let encodedWordBytes = 39

    static func standardBase64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    static func base64Lines(_ bytes: [UInt8]) -> [String] {
        let encoded = standardBase64(bytes)
        var lines: [String] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return lines
    }

    /// `Sat, 28 Nov 2026 07:39:16 +0000`, from `gmtime_r`: a `DateFormatter` (an ICU object) per
    /// mail cost more CPU than the rest of composing it.
    static func rfc5322Date(_ date: Date) -> String {
        var clock = Int(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&clock, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }
}
