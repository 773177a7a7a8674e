import CLibPQ
import Foundation

/// Query parameters laid out the way libpq reads them: every value in one byte buffer (text
/// NUL-terminated, binary as is), with the per-parameter type, length and format arrays that
/// `PQexecParams`, `PQsendQueryParams`, `PQsendPrepare` and `PQsendQueryPrepared` take.
///
/// Encoded once on the caller's thread, before a connection is chosen, so a bad value (a NUL in
/// text) is refused without touching the network. libpq copies the values into its output buffer
/// during the send call, so the buffer only has to live for that call.
struct EncodedParameters: Sendable {
    private var bytes: [UInt8] = []
    /// Start of each value in `bytes`, or -1 for SQL NULL.
    private var offsets: [Int] = []
    private(set) var types: [Oid] = []
    private(set) var lengths: [Int32] = []
    private(set) var formats: [Int32] = []

    var count: Int32 { Int32(offsets.count) }

    init(_ parameters: [any PQEncodable]) throws(PQError) {
        offsets.reserveCapacity(parameters.count)
        types.reserveCapacity(parameters.count)
        lengths.reserveCapacity(parameters.count)
        formats.reserveCapacity(parameters.count)
        for parameter in parameters {
            switch parameter.pqParameter {
            case .null:
                append(offset: -1, type: 0, length: 0, format: 0)
            case .text(let text):
                let start = bytes.count
                bytes.append(contentsOf: text.utf8)
                // libpq text parameters are NUL-terminated; Postgres text cannot hold NUL.
                if bytes[start...].contains(0) {
                    throw PQError(kind: .query, sqlState: "22021", message: "text parameter contains a NUL byte")
                }
                bytes.append(0)
                append(offset: start, type: 0, length: 0, format: 0)
            case .binary(let value, let oid):
                let start = bytes.count
                bytes.append(contentsOf: value)
                append(offset: start, type: Oid(oid), length: Int32(value.count), format: 1)
            }
        }
        // A non-empty buffer always has a base address, even when every value is NULL or empty.
        bytes.append(0)
    }

    private mutating func append(offset: Int, type: Oid, length: Int32, format: Int32) {
        offsets.append(offset)
        types.append(type)
        lengths.append(length)
        formats.append(format)
    }

    /// Calls `body` with the value pointers (nil for NULL) and the type, length and format arrays.
    func withArrays<R>(
        _ body: (
            _ values: UnsafePointer<UnsafePointer<CChar>?>?, _ types: UnsafePointer<Oid>?,
            _ lengths: UnsafePointer<Int32>?, _ formats: UnsafePointer<Int32>?
        ) -> R
    ) -> R {
        bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!)
            let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in
                offset < 0 ? nil : (base + offset).assumingMemoryBound(to: CChar.self)
            }
            return pointers.withUnsafeBufferPointer { values in
                types.withUnsafeBufferPointer { types in
                    lengths.withUnsafeBufferPointer { lengths in
                        formats.withUnsafeBufferPointer { formats in
                            body(values.baseAddress, types.baseAddress, lengths.baseAddress, formats.baseAddress)
                        }
                    }
                }
            }
        }
    }
}

/// A statement text with the name it is prepared under, the same on every connection.
///
/// The SQL API is a fixed set of texts (each store's calls are string literals), so every text
/// is prepared once per connection, on first use, and calls skip the parse and plan step on the
/// server after that. The name is a hash of the text (`portal_<16 hex digits>`), so a name means
/// the same statement in every process — a session some pooler shared by mistake fails with
/// 26000 instead of running another process's statement with these parameters.
struct PreparedName: Sendable {
    let id: Int
    let name: String

    private static let registry = NameRegistry()

    static func of(_ sql: String) -> PreparedName { registry.name(for: sql) }

    private final class NameRegistry: @unchecked Sendable {
        private let lock = NSLock()
        private var names: [String: PreparedName] = [:]

        func name(for sql: String) -> PreparedName {
            lock.withLock {
                if let known = names[sql] { return known }
                // FNV-1a, 64 bits: the same text gives the same name in every process.
                var hash: UInt64 = 0xcbf2_9ce4_8422_2325
                for byte in sql.utf8 {
                    hash ^= UInt64(byte)
                    hash &*= 0x0000_0100_0000_01b3
                }
                let digits = String(hash, radix: 16)
                let name = PreparedName(
                    id: names.count + 1, name: "portal_" + String(repeating: "0", count: 16 - digits.count) + digits)
                names[sql] = name
                return name
            }
        }
    }
}
