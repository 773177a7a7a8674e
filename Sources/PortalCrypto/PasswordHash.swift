/// Password hashes as stored in `portal_users.password_hash`.
///
/// Current format: PHC string `$scrypt$ln=17,r=8,p=1$<B64 salt>$<B64 key>` (16-byte salt,
/// 32-byte key, standard base64 without padding). Legacy format from the seed's Node service:
/// `<base64url salt>:<base64url key>` made by `crypto.scrypt(password, saltBytes, 64)` with
/// N=16384, r=8, p=1, over the password's UTF-8 bytes exactly as typed.
public enum PasswordHash {
    public static let saltLength = 16
    public static let keyLength = 32
    static let legacyKeyLength = 64

    /// A stored hash, parsed.
    public enum Stored: Sendable, Equatable {
        case phc(parameters: ScryptParameters, salt: [UInt8], key: [UInt8])
        case legacy(salt: [UInt8], key: [UInt8])

        /// Parses either format; nil when it is neither. The one hash rule, the same as
        /// `portal.is_password_hash` in SQL (the CHECK on `portal_users.password_hash`; a property
        /// test holds the two to identical verdicts):
        ///   PHC  `$scrypt$ln=L,r=R,p=P$<salt>$<key>`: L, R, P plain decimals in that order within
        ///        `ScryptParameters`' range (ln 10–22, r 1–32, p 1–16, at most 2 GiB); salt and key
        ///        8–64 bytes each (8: the PHC format's minimum salt; `make` writes 16 and 32), in
        ///        canonical standard base64 without padding;
        ///   Node `<salt>:<key>` as the seed's `crypto.scrypt` wrote it: a 16-byte salt and a
        ///        64-byte key, canonical base64url without padding.
        public init?(_ text: String) {
            guard text.utf8.count <= 300 else { return nil }
            if text.hasPrefix("$scrypt$") {
                let parts = text.split(separator: "$", omittingEmptySubsequences: false)
                // ["", "scrypt", "ln=..,r=..,p=..", salt, key]
                guard parts.count == 5, parts[1] == "scrypt",
                      let parameters = try? ScryptParameters(parsing: String(parts[2])), parameters.description == parts[2],
                      let salt = Base64.decode(String(parts[3])), (8...64).contains(salt.count), Base64.encode(salt) == parts[3],
                      let key = Base64.decode(String(parts[4])), (8...64).contains(key.count), Base64.encode(key) == parts[4]
                else { return nil }
                self = .phc(parameters: parameters, salt: salt, key: key)
            } else {
                let parts = text.split(separator: ":", omittingEmptySubsequences: false)
                guard parts.count == 2,
                      let salt = Base64.decodeURL(String(parts[0])), salt.count == PasswordHash.saltLength,
                      Base64.encodeURL(salt) == parts[0],
                      let key = Base64.decodeURL(String(parts[1])), key.count == PasswordHash.legacyKeyLength,
                      Base64.encodeURL(key) == parts[1]
                else { return nil }
                self = .legacy(salt: salt, key: key)
            }
        }
    }

    /// Hashes a password (already NFKC-normalised by the policy) into a PHC string.
    public static func make(password: String, parameters: ScryptParameters, salt: [UInt8]? = nil) throws(ScryptError) -> String {
        let salt = salt ?? Digest.randomBytes(saltLength)
        let key = try Scrypt.derive(password: Array(password.utf8), salt: salt, parameters: parameters, length: keyLength)
        return "$scrypt$\(parameters)$\(Base64.encode(salt))$\(Base64.encode(key))"
    }

    /// The outcome of a verification.
    public struct Verification: Sendable, Equatable {
        public let matches: Bool
        /// True when the hash matched but is legacy (and `current` costs at least as much) or
        /// costs less than `current`.
        public let needsRehash: Bool
        /// True when the stored hash asked for more than this process spends on one hash (over
        /// twice the memory of `current`, or a higher p): it was not run, and never matches.
        public let refused: Bool

        public init(matches: Bool, needsRehash: Bool, refused: Bool = false) {
            self.matches = matches
            self.needsRehash = needsRehash
            self.refused = refused
        }
    }

    /// Verifies `password` against a stored hash in constant time, spending at least one
    /// verification at `current` whatever is stored.
    ///
    /// PHC hashes are checked against `normalized` (the NFKC form the policy hashes);
    /// legacy hashes against `asTyped`, the exact UTF-8 the seed's Node service hashed.
    /// A cheaper hash (legacy N=2^14, or PHC with older parameters) is topped up with dummy work
    /// to the cost of `current`, so the response time does not tell "registered, not yet
    /// migrated" from an unknown email (which verifies a dummy at `current`). A hash that asks
    /// for more than twice the memory of `current`, or a higher p, is refused unrun (a planted
    /// row must not make a sign-in allocate gigabytes). An unparseable or refused hash never
    /// matches, and costs one dummy run at `current`.
    public static func verify(asTyped: String, normalized: String, stored text: String, current: ScryptParameters) -> Verification {
        switch Stored(text) {
        case .phc(let parameters, let salt, let key)?:
            guard verifiable(parameters, current: current) else {
                runDummy(password: normalized, parameters: current)
                return Verification(matches: false, needsRehash: false, refused: true)
            }
            let derived = (try? Scrypt.derive(password: Array(normalized.utf8), salt: salt, parameters: parameters, length: key.count)) ?? []
            let matches = Digest.constantTimeEqual(derived, key)
            topUp(spent: parameters.cost, to: current, password: normalized)
            return Verification(matches: matches, needsRehash: matches && parameters.cost < current.cost)
        case .legacy(let salt, let key)?:
            let derived = (try? Scrypt.derive(password: Array(asTyped.utf8), salt: salt, parameters: .legacyNode, length: key.count)) ?? []
            let matches = Digest.constantTimeEqual(derived, key)
            topUp(spent: ScryptParameters.legacyNode.cost, to: current, password: normalized)
            // Re-hashed only to at least the legacy cost (the database refuses anything cheaper).
            return Verification(matches: matches, needsRehash: matches && current.cost >= ScryptParameters.legacyNode.cost)
        case nil:
            runDummy(password: normalized, parameters: current)
            return Verification(matches: false, needsRehash: false)
        }
    }

    /// Whether a gateway at `current` runs a stored hash made with `stored`: at most twice the
    /// memory of `current` and no higher p. Anything else is refused unrun (a planted row must not
    /// make a sign-in allocate gigabytes) — and so is the right password for it: `HashCensus` says
    /// at start how many stored hashes a setting would refuse.
    public static func verifiable(_ stored: ScryptParameters, current: ScryptParameters) -> Bool {
        stored.memoryBytes <= 2 * current.memoryBytes && stored.p <= current.p
    }

    /// One dummy run of the top-up: N and r (p is `current.p`).
    public struct Run: Sendable, Equatable {
        public let n: UInt64
        public let r: Int

        public init(n: UInt64, r: Int) {
            self.n = n
            self.r = r
        }
    }

    /// The dummy runs that bring `spent` work units (N·r·p) up to `current.cost`, shaped like a
    /// current verification: first one run at the current N with as many blocks r as the
    /// difference allows (one large allocation, as a real verification makes — several small
    /// runs sum to the same work but run faster, their memory fitting the caches better), then
    /// the remainder as the binary digits of N at the current r. Legacy (2^14·8) to ln=17, r=8
    /// is one run at N=2^17, r=7: exactly one verification at the current parameters in all.
    public static func topUpRuns(spent: UInt64, to current: ScryptParameters) -> [Run] {
        guard current.cost > spent else { return [] }
        let p = UInt64(current.p)
        var remaining = (current.cost - spent) / p
        var runs: [Run] = []
        let blocks = remaining / current.n
        if blocks > 0 {
            runs.append(Run(n: current.n, r: Int(min(blocks, UInt64(current.r)))))
            remaining -= current.n * min(blocks, UInt64(current.r))
        }
        let unit = UInt64(current.r)
        var left = remaining / unit
        var n = current.n
        while left > 0 && n >= 2 {
            if left >= n {
                runs.append(Run(n: n, r: current.r))
                left -= n
            } else {
                n >>= 1
            }
        }
        return runs
    }

    private static func topUp(spent: UInt64, to current: ScryptParameters, password: String) {
        for run in topUpRuns(spent: spent, to: current) {
            let key = (try? Scrypt.derive(
                password: Array(password.utf8), salt: dummySalt, n: run.n, r: UInt64(run.r), p: UInt64(current.p),
                length: keyLength)) ?? []
            _ = Digest.constantTimeEqual(key, dummyKey)
        }
    }

    /// Spends the same work as verifying against a hash with `parameters`, and discards it:
    /// for unknown, unactivated, disabled and locked accounts, so their failures take as long.
    public static func runDummy(password: String, parameters: ScryptParameters) {
        let key = (try? Scrypt.derive(password: Array(password.utf8), salt: dummySalt, parameters: parameters, length: keyLength)) ?? []
        _ = Digest.constantTimeEqual(key, dummyKey)
    }

    private static let dummySalt = Digest.randomBytes(saltLength)
    private static let dummyKey = Digest.randomBytes(keyLength)
}
