import Foundation
import PQ
import PortalCore

/// A table of text values: what `portal-auth admin` prints as an aligned table or as JSON.
struct AdminTable: Sendable, Equatable {
    let columns: [String]
    let rows: [[String?]]

    init(columns: [String], rows: [[String?]]) {
        self.columns = columns
        self.rows = rows
    }

    /// The rows a DBA function answered, as text.
    init(_ rows: PQRows) {
        columns = rows.columns
        self.rows = rows.map { row in (0..<rows.columns.count).map { row[$0] } }
    }
}

extension AdminRefusal {
    /// The line `portal-auth admin` prints on standard error (without its newline): `error:
    /// <message> (<hint>)`, or for `--json` `{"error":{"code":…,"hint":…,"message":…}}` (sorted
    /// keys; a hint only when there is one), so scripts match on the stable code. Its exit code is
    /// `ExitStatus(refusal)`.
    func report(json: Bool) -> String {
        guard json else { return "error: \(description)" }
        var error: [String: Any] = ["code": code, "message": message]
        if let hint { error["hint"] = hint }
        let data = (try? JSONSerialization.data(withJSONObject: ["error": error], options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
