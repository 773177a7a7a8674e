import Foundation

/// The password policy: at least `minimumLength` characters (12 by default, configurable
/// upwards), at most 128, no composition rules, not in the common-password list;
/// NFKC-normalised before it is checked and hashed, never truncated.
public struct PasswordPolicy: Sendable {
    public static let maximumLength = 128
    /// The minimum lengths a deployment may choose (`PORTAL_PASSWORD_MIN_LENGTH`); the lowest is the default.
    public static let minimumLengths = 12...maximumLength
    /// UTF-8 bytes looked at, at most: longer input is refused before NFKC runs on it (one
    /// character may carry thousands of combining marks; 128 characters never need more).
    public static let maximumBytes = 4096
    public let minimumLength: Int
    private let common: Set<String>

    /// - Parameter minimumLength: within `minimumLengths`.
    public init(minimumLength: Int = minimumLengths.lowerBound, commonPasswords: Set<String>) {
        self.minimumLength = min(max(minimumLength, Self.minimumLengths.lowerBound), Self.maximumLength)
        self.common = commonPasswords
    }

    /// The policy with the shipped list (30,000 passwords from zxcvbn, MIT; see Resources).
    public static func shipped(minimumLength: Int = minimumLengths.lowerBound) throws -> PasswordPolicy {
        guard let url = Bundle.module.url(forResource: "common-passwords", withExtension: "txt", subdirectory: "Resources") else {
            throw PortalError.internalError
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        var set = Set<String>()
        set.reserveCapacity(30_000)
        for line in text.split(whereSeparator: \.isNewline) where !line.isEmpty {
            set.insert(Self.comparable(String(line)))
        }
        return PasswordPolicy(minimumLength: minimumLength, commonPasswords: set)
    }

    /// The form that is hashed: NFKC.
    public static func normalize(_ password: String) -> String {
        password.precomposedStringWithCompatibilityMapping
    }

    /// The form compared with the list: NFKC, lower-cased.
    static func comparable(_ password: String) -> String {
        normalize(password).lowercased()
    }

    /// Every rule the password breaks, each as a sentence for the user; empty when it is fine.
    public func violations(of password: String) -> [String] {
        guard password.utf8.count <= Self.maximumBytes else { return ["Use at most \(Self.maximumLength) characters."] }
        let normalized = Self.normalize(password)
        let length = normalized.count
        var problems: [String] = []
        if length < minimumLength {
            problems.append("Use at least \(minimumLength) characters.")
        }
        if length > Self.maximumLength {
            problems.append("Use at most \(Self.maximumLength) characters.")
        }
        let folded = normalized.lowercased()
        if common.contains(folded) {
            problems.append("This password is too common. Choose one that is harder to guess.")
        } else if Self.isRepetitive(folded) {
            problems.append("This password repeats the same few characters. Choose one that is harder to guess.")
        } else if Self.isSequential(folded) {
            problems.append("This password is a simple sequence (like abcd… or 1234…). Choose one that is harder to guess.")
        }
        return problems
    }

    /// The whole password is one unit of up to four characters over and over ("aaaaaaaaaaaa",
    /// "abababababab", "1234123412341234"): NIST SP 800-63B's "repetitive characters". Only the
    /// whole password counts, so a passphrase with a doubled letter in it is never refused.
    static func isRepetitive(_ password: String) -> Bool {
        let characters = Array(password)
        guard characters.count >= 2 else { return false }
        for unit in 1...min(4, characters.count / 2) where characters.count % unit == 0 {
            if characters.indices.allSatisfy({ characters[$0] == characters[$0 % unit] }) { return true }
        }
        return false
    }

    /// The whole password runs up or down one code point at a time ("abcdefghijklm",
    /// "9876543210987", digits wrapping from 9 to 0): NIST's "sequential characters".
    static func isSequential(_ password: String) -> Bool {
        let scalars = password.unicodeScalars.map(\.value)
        guard scalars.count >= 2, scalars.count == password.count else { return false }
        func step(_ from: UInt32, _ to: UInt32) -> Int? {
            let digits: ClosedRange<UInt32> = 0x30...0x39
            if digits.contains(from), digits.contains(to) {
                let difference = (Int(to) - Int(from) + 10) % 10
                return difference == 1 ? 1 : difference == 9 ? -1 : nil
            }
            let difference = Int(to) - Int(from)
            return abs(difference) == 1 ? difference : nil
        }
        guard let direction = step(scalars[0], scalars[1]) else { return false }
        return zip(scalars, scalars.dropFirst()).allSatisfy { step($0, $1) == direction }
    }

    /// The rules as shown on the set-password page.
    public var summary: String {
        "At least \(minimumLength) and at most \(Self.maximumLength) characters; not a common password, a repeated pattern or a simple sequence. Spaces and any characters are allowed."
    }
}
