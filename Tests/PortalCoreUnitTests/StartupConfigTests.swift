import Foundation
import Gateway
import Mailer
import PQ
import PortalCore
import Testing

/// Every variable is checked before anything starts, and a refusal names the variable, what is
/// wrong with the value and an example. No database: libpq decides about a DSN without connecting.
@Suite struct StartupConfigTests {
    static let gateway: [String: String] = [
        "DATABASE_URL": "host=/tmp dbname=portal user=portal_gateway",
        "PORTAL_JWT_SECRET": String(repeating: "j", count: 32),
    ]
    static let mailer: [String: String] = [
        "DATABASE_URL": "host=/tmp dbname=portal user=portal_mailer",
        "PORTAL_TOKEN_KEY": String(repeating: "k", count: 32),
    ]

    static func gatewayRefusal(_ key: String, _ value: String) -> String? {
        var environment = gateway
        environment[key] = value
        do {
            _ = try GatewayConfig.load(environment: environment)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func libpqDecidesWhatADSNProblemIsWithoutConnecting() {
        #expect(Connection.conninfoProblem("host=db.example.com sslmode=maybe") == #"invalid sslmode value: "maybe""#)
        #expect(Connection.conninfoProblem("postgres://portal_gateway@db/portal?sslmode=maybe") == #"invalid sslmode value: "maybe""#)
        #expect(Connection.conninfoProblem("host=/tmp target_session_attrs=fastest")?.contains("target_session_attrs") == true)
        #expect(Connection.conninfoProblem("host=/tmp colour=blue")?.contains(#"invalid connection option "colour""#) == true)
        // A server that does not answer is the connection's business (retried), not the DSN's.
        #expect(Connection.conninfoProblem("host=/nonexistent/socket/dir dbname=portal") == nil)
        #expect(Connection.conninfoProblem("host=10.255.255.1,db.invalid port=5432 connect_timeout=1") == nil)
        #expect(Connection.conninfoProblem("postgres://u:secret@localhost:1/portal?sslmode=verify-full") == nil)
    }

    @Test func aDSNProblemNeverEchoesThePassword() {
        let cases = [
            "postgres://portal_gateway:pa%zzword-secret@db/portal",
            "host=db password secret-word",
            "postgresql://portal_gateway:secret-word@[::1/portal",
            "host=db password=secret-word sslmode=secret-word",
        ]
        for dsn in cases {
            let problem = Connection.conninfoProblem(dsn)
            #expect(problem != nil, "\(dsn) is refused")
            #expect(problem?.contains("secret") == false, "\(problem ?? "")")
        }
    }

    @Test func aDSNLibpqRefusesIsAConfigurationErrorNamingDATABASE_URL() throws {
        let message = try #require(Self.gatewayRefusal("DATABASE_URL", "host=db.example.com password=hunter2hunter2 sslmode=maybe"))
        #expect(message.hasPrefix(#"DATABASE_URL is not a connection string libpq accepts (invalid sslmode value: "maybe")"#))
        #expect(message.contains("sslmode=verify-full"), "with an example")
        #expect(!message.contains("hunter2"))
    }

    @Test(arguments: ["maybe", "on", "enabled", "tru"])
    func aBooleanIsTrueOrFalseNotAnythingElse(value: String) throws {
        let message = try #require(Self.gatewayRefusal("PORTAL_TRUST_FORWARDED_FOR", value))
        #expect(message == "PORTAL_TRUST_FORWARDED_FOR must be true or false (also 1/0 or yes/no), not \"\(value)\": e.g. PORTAL_TRUST_FORWARDED_FOR=false")
    }

    @Test func theAcceptedBooleanSpellings() throws {
        for (value, expected) in [("true", true), ("YES", true), ("1", true), ("false", false), ("No", false), ("0", false)] {
            var environment = Self.gateway
            environment["PORTAL_TRUST_FORWARDED_FOR"] = value
            #expect(try GatewayConfig.load(environment: environment).trustForwardedFor == expected, "\(value)")
        }
    }

    @Test(arguments: [
        ("ln=30", "PORTAL_SCRYPT: ln=30 is out of range (ln 10–22, r 1–32, p 1–16, at most 2 GiB per hash): e.g. PORTAL_SCRYPT=ln=17,r=8,p=1"),
        ("ln=17,r=64,p=1", "PORTAL_SCRYPT: r=64 is out of range (ln 10–22, r 1–32, p 1–16, at most 2 GiB per hash): e.g. PORTAL_SCRYPT=ln=17,r=8,p=1"),
        ("ln=17", "PORTAL_SCRYPT lacks r and p: give all three of ln, r and p, e.g. PORTAL_SCRYPT=ln=17,r=8,p=1"),
        ("ln=17,r=eight,p=1", "PORTAL_SCRYPT: r must be an integer, not \"eight\": e.g. PORTAL_SCRYPT=ln=17,r=8,p=1"),
        ("fast", "PORTAL_SCRYPT must be three parameters ln=…,r=…,p=… separated by commas, not \"fast\": e.g. PORTAL_SCRYPT=ln=17,r=8,p=1"),
        ("ln=22,r=32,p=1", "PORTAL_SCRYPT: ln=22,r=32,p=1 needs more than 2 GiB per hash (128 · 2^ln · r bytes): lower ln or r, e.g. PORTAL_SCRYPT=ln=17,r=8,p=1"),
    ])
    func scryptParametersSayWhatIsWrong(value: String, message: String) {
        #expect(Self.gatewayRefusal("PORTAL_SCRYPT", value) == message)
    }

    @Test func scryptParametersInAnyOrderAreRead() throws {
        var environment = Self.gateway
        environment["PORTAL_SCRYPT"] = "p=1, r=8, ln=12"
        #expect(try GatewayConfig.load(environment: environment).scrypt.ln == 12)
    }

    @Test func loggingVariablesAreChecked() {
        #expect(Self.gatewayRefusal("LOG_LEVEL", "verbose")
            == "LOG_LEVEL must be trace, debug, info, notice, warning, error or critical, not \"verbose\": e.g. LOG_LEVEL=info")
        #expect(Self.gatewayRefusal("LOG_FORMAT", "yaml") == "LOG_FORMAT must be text or json, not \"yaml\": e.g. LOG_FORMAT=json")
        #expect(Self.gatewayRefusal("LOG_LEVEL", "DEBUG") == nil)
    }

    @Test func anIntegerOutOfRangeSaysTheValueAndAnExample() {
        #expect(Self.gatewayRefusal("PORTAL_DB_POOL", "lots") == "PORTAL_DB_POOL must be an integer in 1...500, not \"lots\": e.g. PORTAL_DB_POOL=10")
    }

    @Test func theMailTemplatesFolderMustExistAndBeAFolder() throws {
        func refusal(_ path: String) -> String? {
            var environment = Self.mailer
            environment["MAIL_TEMPLATES_DIR"] = path
            do {
                _ = try MailerConfig.load(environment: environment)
                return nil
            } catch {
                return "\(error)"
            }
        }
        let missing = "/nonexistent/portal-templates"
        #expect(refusal(missing) == "MAIL_TEMPLATES_DIR: \(missing) does not exist: give an existing folder, e.g. MAIL_TEMPLATES_DIR=/etc/portal-auth/templates")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data()))
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(refusal(file) == "MAIL_TEMPLATES_DIR: \(file) is a file, not a folder: give the folder that holds the files")
        #expect(refusal(FileManager.default.temporaryDirectory.path) == nil)
    }

    @Test func theMailerChecksItsDSNAndCAFileToo() {
        var environment = Self.mailer
        environment["DATABASE_URL"] = "host=/tmp sslmode=maybe"
        #expect(throws: ConfigError.self) { try MailerConfig.load(environment: environment) }
        environment = Self.mailer
        environment["SMTP_HOST"] = "relay.example.com"
        environment["SMTP_CA_FILE"] = "/nonexistent/ca.pem"
        #expect(throws: ConfigError("SMTP_CA_FILE: /nonexistent/ca.pem is not a readable file, e.g. SMTP_CA_FILE=/etc/ssl/certs/relay-ca.pem")) {
            try MailerConfig.load(environment: environment)
        }
    }
}
