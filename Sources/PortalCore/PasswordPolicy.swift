import Foundation

/// The password policy (DESIGN §6): at least `minimumLength` characters (12 by default,
/// configurable upwards), at most 128, no composition rules, not in the common-password list;
/// NFKC-normalised before it is checked and hashed, never truncated.
public struct PasswordPolicy: Sendable {
    public static let maximumLength = 128
    /// UTF-8 bytes looked at, at most: longer input is refused before NFKC runs on it (one
    /// character may carry thousands of combining marks; 128 characters never need more).
    public static let maximumBytes = 4096
    public let minimumLength: Int
    private let common: Set<String>

    /// - Parameter minimumLength: 12…128.
    public init(minimumLength: Int = 12, commonPasswords: Set<String>) {
        self.minimumLength = min(max(minimumLength, 12), Self.maximumLength)
        self.common = commonPasswords
    }

    /// The policy with the shipped list (30,000 passwords from zxcvbn, MIT; see Resources).
    public static func shipped(minimumLength: Int = 12) throws -> PasswordPolicy {
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
        if common.contains(normalized.lowercased()) {
            problems.append("This password is too common. Choose one that is harder to guess.")
        }
        return problems
    }

    /// The rules as shown on the set-password page.
    public var summary: String {
        "At least \(minimumLength) and at most \(Self.maximumLength) characters, not a common password. Spaces and any characters are allowed."
    }
}
