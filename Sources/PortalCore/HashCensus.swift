import PortalCrypto

/// The stored password hashes by scrypt parameters (`portal_api.hash_census`), and what a
/// gateway at a given `PORTAL_SCRYPT` makes of them.
///
/// A gateway refuses, unrun and as a wrong password, every stored hash asking for more than twice
/// its memory or a higher p (`PasswordHash.verifiable`): lowering `PORTAL_SCRYPT` two steps turns
/// every sign-in of those accounts into 401, silently. At start the gateway takes the census and
/// says so: when it would refuse most accounts' hashes it does not start (unless told to); when it
/// would refuse a few (one planted or imported outlier must not stop a fleet at its next deploy),
/// it warns with the count and the fix.
public struct HashCensus: Sendable, Equatable {
    /// Accounts whose stored hash has these parameters.
    public struct Entry: Sendable, Equatable {
        public let ln: Int
        public let r: Int
        public let p: Int
        public let users: Int

        public init(ln: Int, r: Int, p: Int, users: Int) {
            self.ln = ln
            self.r = r
            self.p = p
            self.users = users
        }

        /// The parameters, when a gateway could run them at some setting.
        var parameters: ScryptParameters? { try? ScryptParameters(ln: ln, r: r, p: p) }

        var text: String { "ln=\(ln),r=\(r),p=\(p)" }
    }

    public let entries: [Entry]

    public init(_ entries: [Entry]) {
        self.entries = entries
    }

    /// What a gateway at `current` makes of the stored hashes.
    public struct Verdict: Sendable, Equatable {
        /// Accounts whose hash this gateway refuses (their right password answers 401).
        public let refusedUsers: Int
        /// Accounts with a PHC hash, in all.
        public let users: Int
        /// The lowest `PORTAL_SCRYPT` (this r and p, or the stored p) that verifies them all.
        public let lowestAccepting: ScryptParameters?
        /// The refused parameter sets, most used first.
        public let refused: [Entry]

        /// True when most accounts with a PHC hash could not sign in.
        public var refusesMost: Bool { refusedUsers * 2 >= users && refusedUsers > 0 }

        /// The operator's sentence: how many, which parameters, and the fix.
        public func message(current: ScryptParameters) -> String {
            let sets = refused.map { "\($0.users) at \($0.text)" }.joined(separator: ", ")
            let fix = lowestAccepting.map { "set PORTAL_SCRYPT to at least \($0)" } ?? "raise PORTAL_SCRYPT"
            return "PORTAL_SCRYPT=\(current) refuses \(refusedUsers) of \(users) stored password hashes (\(sets)): "
                + "they need more than twice its memory or a higher p, so those accounts' right passwords answer 401. "
                + "To fix, \(fix); to start anyway, set PORTAL_SCRYPT_ALLOW_REFUSED=true."
        }
    }

    /// The verdict of a gateway at `current`. Parameter sets no setting can run (out of range)
    /// are not counted as refused: raising `PORTAL_SCRYPT` would not help them.
    public func verdict(at current: ScryptParameters) -> Verdict {
        let runnable = entries.filter { $0.parameters != nil }
        let refused = runnable.filter { !PasswordHash.verifiable($0.parameters!, current: current) }
        let lowest: ScryptParameters? = refused.isEmpty ? nil : {
            let p = max(current.p, runnable.map(\.p).max() ?? current.p)
            for ln in current.ln...22 {
                guard let candidate = try? ScryptParameters(ln: ln, r: current.r, p: p) else { continue }
                if runnable.allSatisfy({ PasswordHash.verifiable($0.parameters!, current: candidate) }) { return candidate }
            }
            return nil
        }()
        return Verdict(
            refusedUsers: refused.reduce(0) { $0 + $1.users }, users: entries.reduce(0) { $0 + $1.users },
            lowestAccepting: lowest, refused: refused)
    }
}
