/// The release of portal-auth: what `portal-auth --version` prints, and the version of the HTTP
/// contract (`openapi.yaml`'s `info.version`, held to it by a test).
enum PortalAuthVersion {
    static let current = "1.0.0"
}
