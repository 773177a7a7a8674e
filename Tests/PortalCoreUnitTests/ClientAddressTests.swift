import PortalCore
import Testing

/// Client addresses and the keys their rate limits count under.
@Suite struct ClientAddressTests {
    @Test(arguments: ["10.9.9.9", "::ffff:10.9.9.9", "0:0:0:0:0:ffff:a09:909", "::FFFF:a09:909", " 10.9.9.9 "])
    func everySpellingOfAnIPv4AddressIsOneClient(spelling: String) throws {
        let address = try #require(ClientAddress(spelling))
        #expect(address.text == "10.9.9.9")
        #expect(address.limitKey == "10.9.9.9")
    }

    @Test func anIPv6ClientIsKeyedByItsSlash64AndAuditedInFull() throws {
        let a = try #require(ClientAddress("2001:DB8:77:1:0:0:0:ABCD"))
        let b = try #require(ClientAddress("2001:db8:77:1::1"))
        #expect(a.text == "2001:db8:77:1::abcd")
        #expect(a.limitKey == "2001:db8:77:1::/64")
        #expect(b.limitKey == a.limitKey)
        #expect(ClientAddress("2001:db8:77:2::1")?.limitKey != a.limitKey)
        #expect(ClientAddress("::1")?.text == "::1")
    }

    @Test(arguments: ["", "unknown", "10.1.2.3:4567", "[::1]", "[::1]:80", "fe80::1%eth0", "010.1.2.3", "1.2.3", "1.2.3.4.5",
                      "999.1.1.1", "10.1.2.3/24", "-", "example.com"])
    func anythingButAPlainAddressIsRefused(text: String) {
        #expect(ClientAddress(text) == nil)
    }

    @Test func theClientIsTheNthForwardedEntryFromTheRight() {
        // The client wrote "1.1.1.1"; the one proxy appended the real peer 203.0.113.7.
        #expect(ClientAddress.forwarded(["1.1.1.1, 203.0.113.7"], hops: 1)?.text == "203.0.113.7")
        // Two proxies: the first appended the client, the second appended the first proxy.
        #expect(ClientAddress.forwarded(["1.1.1.1, 203.0.113.7, 10.0.0.2"], hops: 2)?.text == "203.0.113.7")
        // Several header lines are one list, in order.
        #expect(ClientAddress.forwarded(["1.1.1.1", "203.0.113.7"], hops: 1)?.text == "203.0.113.7")
        // Too few entries, or junk where the client should be: no forwarded client (use the peer).
        #expect(ClientAddress.forwarded(["203.0.113.7"], hops: 2) == nil)
        #expect(ClientAddress.forwarded(["203.0.113.7, junk"], hops: 1) == nil)
        #expect(ClientAddress.forwarded(["203.0.113.7, 10.0.0.1:443"], hops: 1) == nil)
        #expect(ClientAddress.forwarded([], hops: 1) == nil)
    }
}

/// The one email rule.
@Suite struct EmailAddressTests {
    @Test(arguments: ["owner@example.com", "a.b+c@sub.example.co.uk", "inga@hafen-müritz.de", "o'brien@example.ie"])
    func practicalAddressesPass(address: String) {
        #expect(EmailAddress.isValid(address))
    }

    @Test(arguments: ["x>,<y@z.w", "a;b@example.com", "a\"b@example.com", "a@b@example.com", "a b@example.com",
                      "ab@localhost", "(x)@example.com", "a[b]@example.com", "a\\b@example.com", "a\u{7}b@example.com",
                      "@example.com", "a@.", "a@b.", String(repeating: "a", count: 65) + "@example.com"])
    func headerBreakingAddressesFail(address: String) {
        #expect(!EmailAddress.isValid(address))
    }

    @Test func swiftOnlyTrimsTheDatabaseLowerCases() {
        #expect(EmailAddress.trimmed("  Inga@Hafen-Müritz.DE \n") == "Inga@Hafen-Müritz.DE")
    }
}

/// Password input is bounded in bytes before NFKC runs.
@Suite struct PasswordPolicyTests {
    let policy = PasswordPolicy(minimumLength: 12, commonPasswords: ["password1234"])

    @Test func aFewCharactersOfManyBytesAreRefusedBeforeNormalising() {
        let zalgo = "a" + String(repeating: "\u{301}", count: 5000) + " harbour passphrase"
        #expect(zalgo.count < 128)
        #expect(policy.violations(of: zalgo) == ["Use at most 128 characters."])
    }

    @Test func theRulesHold() {
        #expect(policy.violations(of: "short").count == 1)
        #expect(policy.violations(of: "PASSWORD1234") == ["This password is too common. Choose one that is harder to guess."])
        #expect(policy.violations(of: "a long harbour passphrase").isEmpty)
    }

    @Test(arguments: ["aaaaaaaaaaaa", "AAAAAAAAAAAAAAAA", "abababababab", "abcabcabcabc", "1234123412341234", "-=-=-=-=-=-=",
                      "ééééééééééééé"])
    func aRepeatedPatternIsRefusedWithItsReason(password: String) {
        #expect(policy.violations(of: password) == ["This password repeats the same few characters. Choose one that is harder to guess."])
    }

    @Test(arguments: ["abcdefghijklm", "ZYXWVUTSRQPONM", "123456789012", "9876543210987", "012345678901234"])
    func aSimpleSequenceIsRefusedWithItsReason(password: String) {
        #expect(policy.violations(of: password)
            == ["This password is a simple sequence (like abcd… or 1234…). Choose one that is harder to guess."])
    }

    /// Only the whole password counts: a passphrase with a run or a doubled letter in it passes.
    @Test(arguments: ["aaaaaaaaaaab", "abcdefghijkz", "bookkeeper abcdef", "1234 harbour lane", "abcdeabcdeab", "ab ab ab ab ab x"])
    func aPasswordWithARunInsideIsAccepted(password: String) {
        #expect(policy.violations(of: password).isEmpty)
    }
}

/// What a database failure means to a client.
@Suite struct PortalErrorMappingTests {
    @Test(arguments: [SQLState.deadlockDetected, SQLState.serializationFailure, "25006", "53100"])
    func conflictsAndResourceFailuresAreRetryableUnavailability(state: String) {
        let mapped = PortalError.from(PQErrorFixture.make(state))
        #expect(mapped.reason == .unavailable)
        #expect(mapped.retryAfter != nil)
    }

    @Test func onlyConflictsAreRetriedInPlace() {
        #expect(SQLState.isRetryable("40P01"))
        #expect(SQLState.isRetryable("40001"))
        #expect(!SQLState.isRetryable("23505"))
        #expect(!SQLState.isRetryable(nil))
    }

    @Test(arguments: [
        ("PA001", PortalError.Reason.invalidToken), ("PA002", .emailTaken), ("PA003", .portalUserExists), ("PA004", .clientNotFound),
        ("PA005", .portNotFound), ("PA006", .portalUserNotFound), ("PA007", .alreadyActive), ("PA008", .invalidRequest),
        ("PA009", .tokenConflict), ("PA010", .invalidSetting), ("PA011", .adminKeyNotFound), ("PA012", .portalUserDisabled),
        ("PA013", .passwordConflict), ("PA014", .invalidAdminKey), ("PA015", .idTaken), ("XX000", .internalError),
    ])
    func everyProjectStateHasAReason(state: String, reason: PortalError.Reason) {
        #expect(PortalError.from(PQErrorFixture.make(state)).reason == reason)
    }
}
