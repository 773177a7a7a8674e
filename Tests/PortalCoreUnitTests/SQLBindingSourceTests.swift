import Foundation
import PortalCore
import TestSupport
import Testing

/// The SQL the sources run, read as text (no database): the stores name every function they call
/// in full, so their lists can be held to the role's grants (`StoreGrantsTests`, with a database).
@Suite struct SQLBindingSourceTests {
    /// Every `.swift` file under `Sources/`, by its path from the repository root.
    static func sources() throws -> [(path: String, text: String)] {
        let root = TestEnvironment.repositoryRoot + "/Sources"
        let paths = try FileManager.default.subpathsOfDirectory(atPath: root).filter { $0.hasSuffix(".swift") }.sorted()
        return try paths.map { path in
            (path: "Sources/" + path, text: try String(contentsOfFile: root + "/" + path, encoding: .utf8))
        }
    }

    /// A function or table name pasted into SQL text (`portal_api.\(name)(…)`) would be a call no
    /// list names and no grant check sees, and a door for injection: names are written out.
    @Test func noSourceInterpolatesASchemaQualifiedName() throws {
        let sources = try Self.sources()
        #expect(sources.contains { $0.path == "Sources/PortalCore/AuthStore.swift" }, "the walk found the stores")
        for (path, text) in sources {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            for (number, line) in lines.enumerated() where line.contains(/portal(_api)?\.\\\(/) {
                Issue.record("\(path):\(number + 1) interpolates a name after portal. or portal_api.: \(line)")
            }
        }
    }

    /// The stores are the one door to the SQL API: outside them `portal_api.<name>(` appears in
    /// comments only.
    @Test func onlyTheStoresCallTheSQLAPI() throws {
        let stores = Set(["AuthStore.swift", "OutboxStore.swift", "AdminStore.swift"].map { "Sources/PortalCore/" + $0 })
        for (path, text) in try Self.sources() where !stores.contains(path) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            for (number, line) in lines.enumerated() where line.contains(/portal_api\.[a-z_]+\(/) {
                if line.trimmingCharacters(in: .whitespaces).hasPrefix("//") { continue }
                Issue.record("\(path):\(number + 1) calls the SQL API outside a store: \(line)")
            }
        }
    }

    /// Each store's source calls exactly the functions it lists (the list is not just a claim).
    @Test(arguments: [
        ("AuthStore.swift", AuthStore.functions), ("OutboxStore.swift", OutboxStore.functions),
        ("AdminStore.swift", AdminStore.functions),
    ])
    func eachStoreSourceCallsExactlyItsListedFunctions(file: String, functions: Set<String>) throws {
        let source = try String(contentsOfFile: TestEnvironment.repositoryRoot + "/Sources/PortalCore/" + file, encoding: .utf8)
        let called = Set(source.matches(of: /portal_api\.([a-z_]+)\(/).map { String($0.output.1) })
        #expect(called == functions, "\(file): called \(called.symmetricDifference(functions)) differs from its list")
    }
}
