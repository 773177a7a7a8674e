import Foundation
import PortalCore
import TestSupport
import Testing

/// The SQL tree reads by concern: every function is defined in exactly one file, with its grants
/// and comment beside it, and the audit's event vocabulary is declared once. No database: these
/// read the files `portal-auth migrate` applies.
@Suite struct SQLLayoutTests {
    static let sql = try! Migrator.load(directory: TestEnvironment.repositoryRoot + "/sql")

    static func definitions() -> [String: [String]] {
        var files: [String: [String]] = [:]
        for migration in sql {
            for name in SQLDefinitions.functionNames(in: migration.sql) { files[name, default: []].append(migration.name) }
        }
        return files
    }

    @Test func theTreeHasSchemaAndFunctionFiles() {
        #expect(Self.sql.contains { $0.name == "schema/0001_roles_and_schemas.sql" && $0.kind == .versioned })
        #expect(Self.sql.contains { $0.name.hasPrefix("internal/") && $0.kind == .repeatable })
        #expect(Self.sql.contains { $0.name.hasPrefix("api/") && $0.kind == .repeatable })
        #expect(Self.sql.first?.kind == .versioned, "schema files come first")
    }

    @Test func everyFunctionIsDefinedInExactlyOneFile() {
        let twice = Self.definitions().filter { Set($0.value).count > 1 || $0.value.count > 1 }
        #expect(twice.isEmpty, "defined more than once: \(twice.sorted { $0.key < $1.key })")
        #expect(Self.definitions().count >= 90)
    }

    @Test func grantsAndCommentsNameFunctionsDefinedInTheirOwnFile() {
        for migration in Self.sql {
            let defined = Set(SQLDefinitions.functionNames(in: migration.sql))
            for name in SQLDefinitions.referencedFunctionNames(in: migration.sql) {
                #expect(defined.contains(name), "\(migration.name) grants or comments on \(name), which it does not define")
            }
        }
    }

    @Test func everyAPIFunctionRevokesPublicAndIsCommented() {
        for migration in Self.sql where migration.name.hasPrefix("api/") {
            let referenced = SQLDefinitions.referencedFunctionNames(in: migration.sql)
            for name in SQLDefinitions.functionNames(in: migration.sql) {
                #expect(referenced.filter { $0 == name }.count >= 2, "\(migration.name): \(name) needs its revoke and its comment beside it")
                #expect(name.hasPrefix("portal_api."), "\(migration.name) defines \(name): api/ holds portal_api only")
            }
        }
        for migration in Self.sql where migration.name.hasPrefix("internal/") {
            for name in SQLDefinitions.functionNames(in: migration.sql) {
                #expect(name.hasPrefix("portal."), "\(migration.name) defines \(name): internal/ holds portal only")
            }
        }
    }

    @Test func repeatableFilesReplaceAndSchemaFilesCreate() {
        for migration in Self.sql {
            let plain = migration.sql.range(of: #"(?im)^\s*create\s+function\b"#, options: .regularExpression) != nil
            let replacing = migration.sql.range(of: #"(?im)^\s*create\s+or\s+replace\s+function\b"#, options: .regularExpression) != nil
            switch migration.kind {
            case .repeatable: #expect(!plain, "\(migration.name) is re-applied: create or replace only")
            case .versioned: #expect(!replacing, "\(migration.name) is applied once: create, not create or replace")
            }
            let createsObjects = migration.sql.range(of: #"(?im)^\s*create\s+(or\s+replace\s+)?(function|table|unlogged\s+table|trigger)\b"#,
                                                     options: .regularExpression) != nil
            if createsObjects {
                #expect(migration.sql.contains("set local role portal_owner;"), "\(migration.name) creates its objects as portal_owner")
            }
        }
    }

    /// The vocabulary is declared once (internal/audit.sql), and every kind a function logs is in it.
    @Test func everyLoggedEventKindIsDeclaredOnce() throws {
        let declaring = Self.sql.filter { !SQLDefinitions.declaredEventKinds(in: $0.sql).isEmpty }
        #expect(declaring.map(\.name) == ["internal/audit.sql"])
        let declared = try #require(declaring.first).sql
        let kinds = SQLDefinitions.declaredEventKinds(in: declared)
        #expect(Set(kinds).count == kinds.count, "a kind listed twice")
        let logged = Set(Self.sql.flatMap { SQLDefinitions.loggedEventKinds(in: $0.sql) })
        #expect(logged.count >= 20)
        #expect(logged.subtracting(kinds).isEmpty, "logged but not declared: \(logged.subtracting(kinds).sorted())")
    }

    /// The checker itself: a second definition, or a grant naming nothing, is found.
    @Test func theCheckerFindsWhatItLooksFor() {
        let sql = """
            -- create function portal.commented(p int) is not a definition
            create or replace function portal_api.one(p text) returns int language sql as $$ select 1 $$;
            revoke all on function portal_api.one(text) from public;
            grant execute on function portal_api.other(text) to portal_gateway;
            comment on function portal_api.one(text) is 'One -- not a comment';
            """
        #expect(SQLDefinitions.functionNames(in: sql) == ["portal_api.one"])
        #expect(Set(SQLDefinitions.referencedFunctionNames(in: sql)) == ["portal_api.one", "portal_api.other"])
        #expect(SQLDefinitions.loggedEventKinds(in: "perform portal.log_event('sign_in_ok', v_user);") == ["sign_in_ok"])
    }
}
