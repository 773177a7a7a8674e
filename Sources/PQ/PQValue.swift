import CLibPQ

/// A query parameter as libpq receives it: text, binary with a type OID, or NULL.
public enum PQParameter: Sendable, Equatable {
    case text(String)
    case binary([UInt8], oid: UInt32)
    case null
}

/// A Swift value that can be bound to a `$n` placeholder.
public protocol PQEncodable: Sendable {
    var pqParameter: PQParameter { get }
}

extension String: PQEncodable {
    public var pqParameter: PQParameter { .text(self) }
}

extension Int: PQEncodable {
    public var pqParameter: PQParameter { .text(String(self)) }
}

extension Int32: PQEncodable {
    public var pqParameter: PQParameter { .text(String(self)) }
}

extension Int64: PQEncodable {
    public var pqParameter: PQParameter { .text(String(self)) }
}

extension Double: PQEncodable {
    public var pqParameter: PQParameter { .text(String(self)) }
}

extension Bool: PQEncodable {
    public var pqParameter: PQParameter { .text(self ? "true" : "false") }
}

/// `bytea`, sent in binary so no escaping is involved.
extension Array: PQEncodable where Element == UInt8 {
    public var pqParameter: PQParameter { .binary(self, oid: 17) }
}

extension Optional: PQEncodable where Wrapped: PQEncodable {
    public var pqParameter: PQParameter { self?.pqParameter ?? .null }
}

/// A Swift value that can be read from a column in libpq's text format.
public protocol PQDecodable {
    init(pqText: String) throws
}

extension String: PQDecodable {
    public init(pqText: String) { self = pqText }
}

extension Int: PQDecodable {
    public init(pqText: String) throws {
        guard let value = Int(pqText) else { throw PQError.decode(pqText, as: "Int") }
        self = value
    }
}

extension Int32: PQDecodable {
    public init(pqText: String) throws {
        guard let value = Int32(pqText) else { throw PQError.decode(pqText, as: "Int32") }
        self = value
    }
}

extension Int64: PQDecodable {
    public init(pqText: String) throws {
        guard let value = Int64(pqText) else { throw PQError.decode(pqText, as: "Int64") }
        self = value
    }
}

extension Double: PQDecodable {
    public init(pqText: String) throws {
        guard let value = Double(pqText) else { throw PQError.decode(pqText, as: "Double") }
        self = value
    }
}

extension Bool: PQDecodable {
    public init(pqText: String) throws {
        switch pqText {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw PQError.decode(pqText, as: "Bool")
        }
    }
}

/// `bytea` in the server's default hex output (`\x0a1b…`).
extension Array: PQDecodable where Element == UInt8 {
    public init(pqText: String) throws {
        let utf8 = Array(pqText.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"), utf8.count % 2 == 0 else {
            throw PQError.decode("<bytea>", as: "[UInt8]")
        }
        func nibble(_ c: UInt8) throws -> UInt8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: throw PQError.decode("<bytea>", as: "[UInt8]")
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity((utf8.count - 2) / 2)
        var i = 2
        while i < utf8.count {
            bytes.append(try nibble(utf8[i]) << 4 | nibble(utf8[i + 1]))
            i += 2
        }
        self = bytes
    }
}

extension PQError {
    static func decode(_ text: String, as type: String) -> PQError {
        // The value itself is not included: it may be a secret (a hash, an email).
        PQError(kind: .decoding, message: "a column value did not decode as \(type)")
    }
}
