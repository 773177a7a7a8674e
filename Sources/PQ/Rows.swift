import CLibPQ

/// The rows of a query result, copied out of the `PGresult` (which is cleared at once).
///
/// The cells are one flat array (row after row), so a result costs one allocation for its values
/// however many rows it has, and `scalar` — the shape of most calls on the hot path — reads its
/// cell without building a row.
public struct PQRows: Sendable, RandomAccessCollection {
    /// Column names, in order.
    public let columns: [String]
    /// Column type OIDs, in order.
    public let columnTypes: [UInt32]
    /// Rows affected by an INSERT/UPDATE/DELETE (PQcmdTuples), or the row count.
    public let affectedRows: Int
    /// Every cell, row after row; nil for SQL NULL.
    let cells: [String?]
    public let count: Int

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public subscript(position: Int) -> PQRow {
        let width = columns.count
        return PQRow(columns: columns, values: Array(cells[position * width..<(position + 1) * width]))
    }

    init(result: OpaquePointer) {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        columnTypes = (0..<columnCount).map { UInt32(PQftype(result, Int32($0))) }
        var cells: [String?] = []
        cells.reserveCapacity(rowCount * columnCount)
        for r in 0..<Int32(rowCount) {
            for c in 0..<Int32(columnCount) {
                cells.append(PQgetisnull(result, r, c) == 1 ? nil : String(cString: PQgetvalue(result, r, c)))
            }
        }
        self.cells = cells
        count = rowCount
        affectedRows = Int(String(cString: PQcmdTuples(result))) ?? rowCount
    }

    /// Rows of text columns made without a server (the state machines' tests).
    init(columns: [String], rows: [[String?]]) {
        self.columns = columns
        columnTypes = columns.map { _ in 25 }
        cells = rows.flatMap { $0 }
        count = rows.count
        affectedRows = rows.count
    }

    /// The single value of a one-row, one-column result (e.g. `select portal_api.invite(...)`):
    /// the first column of the first row, read without building a row; nil for no row or NULL.
    public func scalar<T: PQDecodable>(_ type: T.Type = T.self) throws -> T? {
        guard count > 0 else { return nil }
        guard !columns.isEmpty else { throw PQError(kind: .decoding, message: "no column at index 0") }
        return try cells[0].map { try T(pqText: $0) }
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
