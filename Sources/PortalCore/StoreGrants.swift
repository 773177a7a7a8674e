/// The `portal_api` functions each store's role is granted that no store calls. A store's
/// `functions` plus these are exactly its role's grants (a test compares the two).
public enum StoreGrants {
    /// `portal_api.help()`: granted to every role on purpose, so whoever connects with `psql`
    /// can list what the role may call (README, "From psql"). It is not bound in Swift: nothing
    /// in the service asks the database what it may do.
    public static let everyRole: Set<String> = ["help"]
}
