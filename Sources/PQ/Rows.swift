import CLibPQ

/// The rows of a query result, copied out of the `PGresult` (which is cleared at once).
public struct PQRows: Sendable, RandomAccessCollection {
    /// Column names, in order.
    public let columns: [String]
    /// Column type OIDs, in order.
    public let columnTypes: [UInt32]
    /// Rows affected by an INSERT/UPDATE/DELETE (PQcmdTuples), or the row count.
    public let affectedRows: Int
    let values: [[String?]]

    public var startIndex: Int { 0 }
    public var endIndex: Int { values.count }
    public subscript(position: Int) -> PQRow { PQRow(columns: columns, values: values[position]) }

    init(result: OpaquePointer) {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        columnTypes = (0..<columnCount).map { UInt32(PQftype(result, Int32($0))) }
        var rows: [[String?]] = []
        rows.reserveCapacity(rowCount)
        for r in 0..<rowCount {
            var row: [String?] = []
            row.reserveCapacity(columnCount)
            for c in 0..<columnCount {
                if PQgetisnull(result, Int32(r), Int32(c)) == 1 {
                    row.append(nil)
                } else {
                    row.append(String(cString: PQgetvalue(result, Int32(r), Int32(c))))
                }
            }
            rows.append(row)
        }
        values = rows
        let tuples = String(cString: PQcmdTuples(result))
        affectedRows = Int(tuples) ?? rowCount
    }

    /// The single value of a one-row, one-column result (e.g. `select portal_api.invite(...)`).
    public func scalar<T: PQDecodable>(_ type: T.Type = T.self) throws -> T? {
        guard let first else { return nil }
        return try first.decode(0, as: type)
    }
}

/// One row: values by position or by column name, decoded on access.
public struct PQRow: Sendable {
    public let columns: [String]
    let values: [String?]

    /// The raw text of a column, or nil for SQL NULL.
    public subscript(index: Int) -> String? { values[index] }

    /// The raw text of a named column, or nil for SQL NULL or an unknown name.
    public subscript(name: String) -> String? {
        guard let index = columns.firstIndex(of: name) else { return nil }
        return values[index]
    }

    /// Decodes a column; nil for SQL NULL.
    public func decode<T: PQDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T? {
        guard index < values.count else {
            throw PQError(kind: .decoding, message: "no column at index \(index)")
        }
        return try values[index].map { try T(pqText: $0) }
    }

    /// Decodes a named column; nil for SQL NULL.
    public func decode<T: PQDecodable>(_ name: String, as type: T.Type = T.self) throws -> T? {
        guard let index = columns.firstIndex(of: name) else {
            throw PQError(kind: .decoding, message: "no column named \(name)")
        }
        return try decode(index, as: type)
    }

    /// Decodes a column that must not be NULL.
    public func require<T: PQDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard let value: T = try decode(name, as: type) else {
            throw PQError(kind: .decoding, message: "column \(name) is NULL")
        }
        return value
    }
}
