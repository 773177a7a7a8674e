import PortalCrypto
import Testing

/// The one hash rule (`PasswordHash.Stored`, the same as `portal.is_password_hash`): what the
/// gateway parses is what it can verify, in the one shape an encoder writes.
@Suite struct PasswordHashRuleTests {
    static let salt = "c2FsdHNhbHRzYWx0c2FsdA"
    static let key = "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"

    @Test func theShapesTheGatewayAndNodeWriteParse() throws {
        #expect(PasswordHash.Stored("$scrypt$ln=17,r=8,p=1$\(Self.salt)$\(Self.key)") != nil)
        let made = try PasswordHash.make(password: "correct horse battery staple", parameters: .init(ln: 10, r: 8, p: 1))
        #expect(PasswordHash.Stored(made) != nil)
        #expect(PasswordHash.Stored(
            "33BaejFVlRY1npL4J77_5g:ziG3ou1pnOG-OCfSwa6bGYkCcVtcuKPJefXC0DGyEIlh4dn7BOm7AJ9LAeb56sPkrr7xcgHZoiuf-pH6zFdGog") != nil)
    }

    @Test(arguments: [
        "$scrypt$ln=5,r=8,p=1$\(salt)$\(key)", "$scrypt$ln=99,r=8,p=1$\(salt)$\(key)", "$scrypt$ln=17,r=0,p=1$\(salt)$\(key)",
        "$scrypt$ln=17,r=8,p=1$c2Fs$\(key)", "$scrypt$ln=17,r=8,p=1$\(salt)==$\(key)", "$scrypt$r=8,ln=17,p=1$\(salt)$\(key)",
        "$scrypt$ln=017,r=8,p=1$\(salt)$\(key)", "$scrypt$ln=17, r=8,p=1$\(salt)$\(key)", "$scrypt$ln=22,r=32,p=1$\(salt)$\(key)",
        "$scrypt$ln=17,r=8,p=1$\(salt)$c2Fs", "$scrypt$ln=17,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdB$\(key)",
    ])
    func phcHashesTheGatewayCannotVerifyAreRefused(hash: String) {
        #expect(PasswordHash.Stored(hash) == nil)
    }

    @Test(arguments: [
        // a 63-byte key, stray bits in the salt's last character, a 4-byte salt, padding
        "33BaejFVlRY1npL4J77_5g:ziG3ou1pnOG-OCfSwa6bGYkCcVtcuKPJefXC0DGyEIlh4dn7BOm7AJ9LAeb56sPkrr7xcgHZoiuf-pH6zFdGo",
        "33BaejFVlRY1npL4J77_5h:ziG3ou1pnOG-OCfSwa6bGYkCcVtcuKPJefXC0DGyEIlh4dn7BOm7AJ9LAeb56sPkrr7xcgHZoiuf-pH6zFdGog",
        "c2FsdA:ziG3ou1pnOG-OCfSwa6bGYkCcVtcuKPJefXC0DGyEIlh4dn7BOm7AJ9LAeb56sPkrr7xcgHZoiuf-pH6zFdGog",
        "33BaejFVlRY1npL4J77_5g==:ziG3ou1pnOG-OCfSwa6bGYkCcVtcuKPJefXC0DGyEIlh4dn7BOm7AJ9LAeb56sPkrr7xcgHZoiuf-pH6zFdGog",
    ])
    func nonCanonicalNodeHashesAreRefused(hash: String) {
        #expect(PasswordHash.Stored(hash) == nil)
    }
}
