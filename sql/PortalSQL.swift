import Foundation

/// The SQL this build carries (its resource bundle holds `schema/`, `internal/` and `api/`), so
/// `portal-auth migrate` applies the SQL the binary was built with from any directory.
public enum PortalSQL {
    /// The folder holding `schema/`, `internal/` and `api/`, or nil when the bundle is missing.
    public static var directory: URL? { Bundle.module.resourceURL }
}
