/// The SQLSTATEs the project raises (class PA, listed in `sql/schema/0001_roles_and_schemas.sql`)
/// and the Postgres ones it reacts to, by name. Swift maps codes, never message text.
public enum SQLState {
    public static let invalidToken = "PA001"
    public static let emailTaken = "PA002"
    public static let portalUserExists = "PA003"
    public static let clientNotFound = "PA004"
    public static let portNotFound = "PA005"
    public static let portalUserNotFound = "PA006"
    public static let alreadyActive = "PA007"
    public static let invalidInput = "PA008"
    public static let tokenConflict = "PA009"
    public static let invalidSetting = "PA010"
    public static let adminKeyNotFound = "PA011"
    public static let portalUserDisabled = "PA012"
    public static let passwordConflict = "PA013"
    public static let invalidAdminKey = "PA014"
    public static let idTaken = "PA015"

    /// The role may not do this (a missing grant, or migrate run by a role without rights).
    public static let insufficientPrivilege = "42501"

    /// A deadlock was broken by aborting this statement (40P01), or a serializable transaction
    /// lost a conflict (40001): running the same statement again is safe and usually succeeds.
    public static let deadlockDetected = "40P01"
    public static let serializationFailure = "40001"

    /// A row or table lock was not granted within the role's `lock_timeout` (`sql/schema/0001_roles_and_schemas.sql`): someone holds it.
    public static let lockNotAvailable = "55P03"
    /// The statement ran past the role's `statement_timeout` (the same file), or was cancelled.
    public static let queryCanceled = "57014"

    /// Postgres states that mean "temporarily unable": read-only (25006), disk full (53100),
    /// out of memory (53200), too many connections (53300), a deadline of the role passed — a
    /// lock held too long (55P03) or a statement cancelled (57014). Callers answer 503 with
    /// Retry-After; the mailer tries the mail again later.
    public static let temporarilyUnavailable: Set<String> = [
        "25006", "53100", "53200", "53300", lockNotAvailable, queryCanceled,
    ]

    /// Whether a statement that failed with `state` may simply be run again.
    public static func isRetryable(_ state: String?) -> Bool {
        state == deadlockDetected || state == serializationFailure
    }
}
