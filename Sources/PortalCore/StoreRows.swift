import PQ

/// The rows a store's query returned, read so that a value that does not decode is a
/// `PortalError` too (an internal error whose log-only cause names the column), like every other
/// failure behind a store: nothing above the stores sees a `PQError`.
struct StoreRows: Sequence {
    let rows: PQRows

    /// The single value of a one-row, one-column result.
    func scalar<T: PQDecodable>(_ type: T.Type = T.self) throws -> T? {
        do {
            return try rows.scalar(type)
        } catch let error as PQError {
            throw PortalError.from(error)
        }
    }

    var first: StoreRow? { rows.first.map(StoreRow.init) }

    func makeIterator() -> AnyIterator<StoreRow> {
        var iterator = rows.makeIterator()
        return AnyIterator { iterator.next().map(StoreRow.init) }
    }
}

/// One row of `StoreRows`.
struct StoreRow {
    let row: PQRow

    subscript(index: Int) -> String? { row[index] }

    func decode<T: PQDecodable>(_ name: String, as type: T.Type = T.self) throws -> T? {
        do {
            return try row.decode(name, as: type)
        } catch let error as PQError {
            throw PortalError.from(error)
        }
    }

    func require<T: PQDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        do {
            return try row.require(name, as: type)
        } catch let error as PQError {
            throw PortalError.from(error)
        }
    }
}
