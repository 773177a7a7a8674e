// libFuzzer targets for the parsers that see untrusted input (scripts/fuzz.sh builds this file
// with the product's own sources, -sanitize=fuzzer,address, and runs each target). FUZZ_TARGET
// picks the target; each asserts its invariants with precondition, so a violation is a crash
// libFuzzer reports and saves.
import Foundation

// Stand-ins for what the compiled files refer to outside the parsers (not fuzzed):
// SwiftPM generates Bundle.module for PortalCore, and PasswordPolicy.shipped() throws a
// PortalError when the shipped list is missing.
extension Bundle {
    static var module: Bundle { .main }
}
struct PortalError: Error {
    static let internalError = PortalError()
}

enum Target: String, CaseIterable {
    case hash, session, json, forwarded, password, mime, email, claims, accept, next, message
}

let target: Target = {
    guard let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"], let target = Target(rawValue: name) else {
        fatalError("set FUZZ_TARGET to one of: \(Target.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return target
}()

let now = 1_800_000_000
let signer = try! SessionSigner(secret: "fuzz-secret-0123456789abcdefghijklmnopqrstu", issuer: "https://portal.example")
let policy = PasswordPolicy(minimumLength: 12, commonPasswords: ["password1234", "correct horse battery"])

struct SignInBody: Codable, Equatable {
    let email: String
    let password: String
}
struct InviteBody: Codable, Equatable {
    let email: String
    let name: String?
}

/// FUZZ_SEED_DIR: the session target writes cookies signed with its secret there (seeds the
/// fuzzer can mutate; it cannot sign any of its own).
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> CInt {
    if target == .session, let directory = ProcessInfo.processInfo.environment["FUZZ_SEED_DIR"] {
        for (index, sub) in ["u-1", "ännä", "a\"b\\c", String(repeating: "x", count: 60)].enumerated() {
            let claims = SessionClaims(sub: sub, cid: "c-\(index)", pid: "p", sv: index + 1, jti: "jti-\(index)",
                                       iat: now - 60, exp: now + 3600, iss: "https://portal.example", aud: "portal-auth")
            let cookie = signer.sign(claims)
            precondition(signer.verify(cookie, now: now) == claims, "a seed must verify, or the target fuzzes nothing")
            try! cookie.write(toFile: "\(directory)/signed-\(index)", atomically: true, encoding: .utf8)
        }
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    let text = String(decoding: bytes, as: UTF8.self)
    switch target {
    case .next:
        // A `next` that passes is a path on this origin, read the same way by URL parsers.
        let kept = ReturnPath.safe(text)
        if kept != ReturnPath.fallback {
            precondition(kept == text, "a kept next is kept as given")
            let bytes = Array(kept.utf8)
            precondition(bytes.first == UInt8(ascii: "/") && (bytes.count == 1 || (bytes[1] != UInt8(ascii: "/") && bytes[1] != UInt8(ascii: "\\"))),
                         "a kept next starts with one slash: \(kept.debugDescription)")
            precondition(bytes.allSatisfy { (0x21...0x7E).contains($0) }, "a kept next is printable ASCII: \(kept.debugDescription)")
            let base = URL(string: "https://portal.example/portal/login")!
            let resolved = URL(string: kept, relativeTo: base)?.absoluteURL
            precondition(resolved?.host == "portal.example" && resolved?.scheme == "https",
                         "a kept next stays on this origin: \(kept.debugDescription) → \(String(describing: resolved))")
            let decoded = kept.removingPercentEncoding ?? kept
            precondition(!decoded.hasPrefix("//") && !decoded.contains("\\") && !decoded.unicodeScalars.contains { $0.value < 0x20 },
                         "decoded once, it is still a plain path: \(kept.debugDescription)")
        }
        let location = ReturnPath.loginLocation(returningTo: text)
        precondition(location == "/portal/login" || location.hasPrefix("/portal/login?next=/"), "the sign-in location: \(location)")
        let carried = location.dropFirst("/portal/login?next=".count)
        precondition(!carried.contains("&") && !carried.contains("?") && !carried.contains("#"), "next is one query parameter")
        if location != "/portal/login" {
            precondition(String(carried).removingPercentEncoding == kept, "the parameter decodes to the kept next")
        }
    case .hash:
        // The stored-hash parser: whatever it accepts is within the limits the verifier relies on.
        if let stored = PasswordHash.Stored(text) {
            switch stored {
            case .phc(let parameters, let salt, let key):
                precondition((10...22).contains(parameters.ln) && (1...32).contains(parameters.r) && (1...16).contains(parameters.p))
                precondition(parameters.memoryBytes <= 2 << 30, "a stored hash may not ask for more than 2 GiB")
                precondition((try? ScryptParameters(parsing: parameters.description)) == parameters)
                precondition((8...64).contains(salt.count) && (8...64).contains(key.count))
            case .legacy(let salt, let key):
                precondition(salt.count == PasswordHash.saltLength && key.count == PasswordHash.legacyKeyLength)
            }
        }
    case .session:
        // Never accept a cookie this secret did not sign, in exactly this spelling.
        if let claims = signer.verify(text, now: now) {
            precondition(signer.sign(claims) == text, "accepted a cookie that is not the one we sign: \(text)")
        }
    case .claims:
        // The byte-level claims reader (behind the MAC) answers what JSONDecoder answers, or nil.
        if let read = SessionClaims(compactJSON: bytes) {
            precondition(read == (try? JSONDecoder().decode(SessionClaims.self, from: Data(bytes))),
                         "the claims reader disagrees with JSONDecoder on \(text)")
        }
    case .json:
        // Accepted bodies are objects of known fields only, with no trailing comma, that survive
        // a re-encode unchanged.
        if let body = try? StrictJSON.decode(SignInBody.self, fields: ["email", "password"], from: Data(bytes)) {
            precondition(!StrictJSON.hasTrailingComma(Data(bytes)))
            let keys = Set(((try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any])?.keys.map { $0 } ?? ["?"])
            precondition(keys.isSubset(of: ["email", "password"]), "accepted unknown fields: \(keys)")
            let again = try! StrictJSON.decode(SignInBody.self, fields: ["email", "password"], from: try! JSONEncoder().encode(body))
            precondition(again == body)
        }
        if let body = try? StrictJSON.decode(InviteBody.self, fields: ["email", "name"], from: Data(bytes)) {
            let again = try! StrictJSON.decode(InviteBody.self, fields: ["email", "name"], from: try! JSONEncoder().encode(body))
            precondition(again == body)
        }
    case .forwarded:
        // X-Forwarded-For: the address picked is canonical (other spellings of it give the same
        // client and key), and entries a client writes on the left never change the pick.
        let hops = 1 + Int(bytes.first ?? 0) % 3
        let values = String(decoding: bytes.dropFirst(), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
        let picked = ClientAddress.forwarded(values, hops: hops)
        if let address = picked {
            precondition(ClientAddress(address.description) == address, "not canonical: \(address)")
            precondition(!address.description.contains(",") && !address.description.contains(" "))
            precondition(ClientAddress(address.description.uppercased()) == address)
            if !address.description.contains(":") {
                precondition(ClientAddress("::ffff:" + address.description) == address, "a mapped IPv4 is another client")
            }
        }
        let entries = values.reduce(0) { $0 + $1.split(separator: ",", omittingEmptySubsequences: false).count }
        if entries >= hops {
            let spoofed = ClientAddress.forwarded(["203.0.113.250, 198.51.100.7"] + values, hops: hops)
            precondition(spoofed == picked, "entries on the left changed the client")
        }
    case .password:
        // NFKC + length: an accepted password is 12...128 characters after NFKC, at most 4 KiB typed.
        let violations = policy.violations(of: text)
        let normalized = PasswordPolicy.normalize(text)
        if violations.isEmpty {
            precondition((12...PasswordPolicy.maximumLength).contains(normalized.count))
            precondition(text.utf8.count <= PasswordPolicy.maximumBytes)
        }
        precondition(PasswordPolicy.normalize(normalized) == normalized, "NFKC is not idempotent here")
    case .email:
        // The one email rule: trimming is idempotent and what passes has one @, no header or
        // address specials, no whitespace or control characters.
        if let address = EmailAddress.trimmed(text) {
            precondition(EmailAddress.trimmed(address) == address && EmailAddress.isValid(address))
            precondition(address.unicodeScalars.filter { $0 == "@" }.count == 1)  // scalars: "@" + U+0308 is one Character
            precondition(!address.unicodeScalars.contains { "<>,;\"()[]\\".unicodeScalars.contains($0) || $0.properties.isWhitespace
                || $0.properties.generalCategory == .control }, "specials in \(address)")
        }
    case .accept:
        // Accept-Language: whatever the bytes, the pick is a supported language the header does
        // not exclude, letter case changes nothing, the parsed entries stay within their caps,
        // and excluding the pick (when there is room to add an entry) changes it. A language tag
        // read from the same bytes is normalised and stays so.
        let supported: Set<String> = ["en", "de", "fr", "es", "it", "nl", "hr", "el", "da", "sv"]
        let fallback = bytes.first.map { $0 & 1 == 0 } == true ? "en" : nil
        let picked = AcceptLanguage.preferred(text, supported: supported, fallback: fallback)
        let entries = AcceptLanguage.entries(text)
        precondition(entries.count <= AcceptLanguage.maximumEntries)
        for entry in entries {
            precondition((0...1000).contains(entry.quality), "weight \(entry.quality)")
            precondition(entry.range == "*" || entry.range.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D },
                         "range \(entry.range)")
        }
        if let picked {
            precondition(supported.contains(picked))
            precondition(!entries.contains { $0.quality == 0 && $0.range == picked }, "picked an excluded \(picked)")
            if text.utf8.count < AcceptLanguage.maximumBytes / 2, entries.count < AcceptLanguage.maximumEntries {
                precondition(AcceptLanguage.preferred(text + ",\(picked);q=0", supported: supported, fallback: fallback) != picked,
                             "excluding \(picked) did not exclude it")
            }
        }
        let upper = String(decoding: bytes.map { (0x61...0x7A).contains($0) ? $0 - 0x20 : $0 }, as: UTF8.self)
        precondition(AcceptLanguage.preferred(upper, supported: supported, fallback: fallback) == picked, "letter case changed the pick")
        if let tag = LanguageTag(text) {
            precondition(LanguageTag(tag.description) == tag && LanguageTag.isNormalised(tag.description))
            precondition(tag.description.utf8.count <= LanguageTag.maximumLength && tag.description.utf8.count == text.utf8.count)
        }
    case .message:
        // A catalogue message (a marina's override is input too): parsing never traps and stays
        // within its limits; text without braces or apostrophes reads back as itself; and the
        // pieces a template renders itself, filled in, are exactly the formatted text.
        if let message = try? MessageFormat(text) {
            let names = message.argumentNames
            precondition(names.allSatisfy { !$0.isEmpty && $0.unicodeScalars.allSatisfy { $0.isASCII } }, "names \(names)")
            var arguments: [String: MessageArgument] = [:]
            for (index, name) in names.sorted().enumerated() {
                arguments[name] = index % 2 == 0 ? .number(index * 7 - 3) : .text("v\(index)")
            }
            for language in ["en", "hr", "fr"] {
                let formatted = message.format(arguments, language: language)
                let pieces = message.pieces(arguments, language: language, keep: names)
                let filled = pieces.map {
                    switch $0 {
                    case .text(let text): text
                    case .argument(let name): arguments[name]!.text
                    }
                }.joined()
                precondition(filled == formatted, "pieces \(pieces) differ from \(formatted)")
            }
        }
        if !text.contains(where: { "{}'".contains($0) }) {
            precondition(text.count > MessageFormat.maximumLength || (try? MessageFormat(text))?.format(language: "en") == text,
                         "plain text did not read back as itself")
        }
    case .mime:
        // Names and subject from the input: no CR or LF of theirs survives into a header, and no
        // header appears that the mailer did not write.
        let parts = bytes.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        let fromName = parts[0]
        let recipientName = parts.count > 1 ? parts[1] : nil
        let subject = parts.count > 2 ? parts[2] : "Subject"
        let message = MailMessage(outboxID: 42, messageKey: "0b7c4c1e-2f4a-4f5e-9c61-3a7d2b9e8f10", from: "noreply@portal.example", fromName: fromName, recipient: "ann@sloop.example",
                                  recipientName: recipientName, subject: subject, text: "text", html: "<p>html</p>",
                                  date: Date(timeIntervalSince1970: 1_800_000_000))
        let data = message.data
        let end = (0..<max(0, data.count - 3)).first { data[$0] == 13 && data[$0 + 1] == 10 && data[$0 + 2] == 13 && data[$0 + 3] == 10 }!
        let head = Array(data[..<end])
        for (index, byte) in head.enumerated() {
            if byte == 13 { precondition(index + 1 < head.count && head[index + 1] == 10, "a bare CR in the headers") }
            if byte == 10 { precondition(index > 0 && head[index - 1] == 13, "a bare LF in the headers") }
        }
        var names: [String] = []
        for line in String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n") {
            if line.hasPrefix(" ") || line.hasPrefix("\t") {
                // A fold the mailer wrote: only ever between RFC 2047 encoded words, or between an
                // encoded display name and its address.
                precondition(line.range(of: #"^ (=\?UTF-8\?B\?[A-Za-z0-9+/=]*\?=( <[^<>\r\n]*>)?|<[^<>\r\n]*>)$"#, options: .regularExpression) != nil,
                             "a continuation line that is not an encoded word: \(line)")
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { preconditionFailure("a header line without a name: \(line)") }
            names.append(String(line[..<colon]))
        }
        precondition(names == ["Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Auto-Submitted", "Content-Type"],
                     "headers: \(names)")
    }
    return 0
}
