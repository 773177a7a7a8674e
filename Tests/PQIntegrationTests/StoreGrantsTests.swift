import Foundation
import PQ
import PortalCore
import TestSupport
import Testing

/// One store per database role, whose functions (with the ones every role is granted for psql,
/// `StoreGrants.everyRole`) are exactly that role's grants: a function granted but not in the
/// store is dead surface; one in the store but not granted fails at run time. (That each list is
/// what its store's SQL calls is checked without a database: `SQLBindingSourceTests`.)
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh"))
struct StoreGrantsTests {
    static func grants(of role: String) throws -> Set<String> {
        let rows = try TestDatabase.connect().query("""
            select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
             where n.nspname = 'portal_api' and has_function_privilege($1, p.oid, 'execute')
            """, [role])
        return Set(try rows.map { try $0.require("proname", as: String.self) })
    }

    @Test(arguments: [
        ("portal_gateway", AuthStore.functions), ("portal_mailer", OutboxStore.functions), ("portal_admin", AdminStore.functions),
    ])
    func eachStoreCallsExactlyItsRolesFunctions(role: String, functions: Set<String>) throws {
        let granted = try Self.grants(of: role)
        let functions = functions.union(StoreGrants.everyRole)
        #expect(granted.subtracting(functions).isEmpty, "granted to \(role) but no store method: \(granted.subtracting(functions))")
        #expect(functions.subtracting(granted).isEmpty, "in the store but not granted to \(role): \(functions.subtracting(granted))")
    }
}
