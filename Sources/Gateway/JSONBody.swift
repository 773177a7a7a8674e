import Foundation
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PortalCore

/// Request bodies: `application/json` only (else 415), at most 64 KiB (else 413), a JSON object
/// whose fields decode and validate (else 400 with a message that names the field).
enum JSONBody {
    static let maximumSize = 64 * 1024
    /// A body must arrive within this time (slow-loris uploads are cut off with 408).
    static let timeout: Duration = .seconds(10)

    static func decode<T: Decodable & Validating>(_ type: T.Type, from request: Request, context: PortalRequestContext)
        async throws -> T
    {
        guard isJSON(request.headers[.contentType]) else { throw PortalError.unsupportedMediaType }
        let buffer: ByteBuffer
        do {
            buffer = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
                group.addTask { try await request.body.collect(upTo: maximumSize) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let body = first else { throw PortalError.requestTimeout }
                return body
            }
        } catch is NIOTooManyBytesError {
            throw PortalError.payloadTooLarge
        }
        let data = Data(buffer: buffer)
        // Foundation's parser forgives a trailing comma; RFC 8259 does not, and neither do we.
        guard !hasTrailingComma(data), let object = try? JSONSerialization.jsonObject(with: data, options: []) else {
            throw PortalError.badRequest("The body is not valid JSON.")
        }
        guard let fields = object as? [String: Any] else { throw PortalError.badRequest("The body must be a JSON object.") }
        // A typo ("nmae") must not be silently dropped.
        if let unknown = fields.keys.sorted().first(where: { !T.fields.contains($0) }) {
            throw PortalError.badRequest(
                "Field '\(String(unknown.prefix(64)))' is not known here (expected: \(T.fields.sorted().joined(separator: ", "))).")
        }
        let value: T
        do {
            value = try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw PortalError.badRequest(message(for: error))
        }
        try value.validate()
        return value
    }

    /// Whether a `,` outside strings is followed (after whitespace) by `}` or `]`.
    static func hasTrailingComma(_ data: Data) -> Bool {
        var inString = false
        var escaped = false
        var pendingComma = false
        for byte in data {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                continue
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if pendingComma { return true }
            case UInt8(ascii: "\""):
                inString = true
            default:
                break
            }
            pendingComma = byte == UInt8(ascii: ",")
        }
        return false
    }

    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        return mediaType == "application/json"
    }

    private static func message(for error: DecodingError) -> String {
        func field(_ path: [any CodingKey], _ key: (any CodingKey)? = nil) -> String {
            let names = (path + (key.map { [$0] } ?? [])).map(\.stringValue).filter { !$0.isEmpty }
            return names.isEmpty ? "The body" : "Field '\(names.joined(separator: "."))'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(field(context.codingPath, key)) is required."
        case .typeMismatch(let type, let context):
            return "\(field(context.codingPath)) must be \(type == String.self ? "a string" : "of another type")."
        case .valueNotFound(_, let context):
            return "\(field(context.codingPath)) must not be null."
        case .dataCorrupted(let context):
            return "\(field(context.codingPath)) is malformed."
        @unknown default:
            return "The body is malformed."
        }
    }
}

/// A request body that checks its own fields after decoding.
protocol Validating {
    /// Every field the body may have; any other is refused with 400 naming it.
    static var fields: Set<String> { get }
    func validate() throws(PortalError)
}

/// Field checks shared by the request types.
enum Field {
    /// A trimmed email address that follows the project's one rule (`EmailAddress`), or 400
    /// naming the field. Not lower-cased: the database normalises addresses, in one place.
    static func email(_ value: String, _ name: String = "email") throws(PortalError) -> String {
        guard let email = EmailAddress.trimmed(value) else {
            throw PortalError.badRequest("Field '\(name)' must be an email address of at most 254 characters.")
        }
        return email
    }

    /// A string of at most `max` characters and `4 × max` UTF-8 bytes (a character can be
    /// any number of combining marks: the byte cap bounds the work NFKC and scrypt do), without
    /// NUL characters.
    static func text(_ value: String, _ name: String, max: Int, allowEmpty: Bool = false) throws(PortalError) {
        guard value.utf8.count <= 4 * max, value.count <= max else { throw PortalError.badRequest("Field '\(name)' must be at most \(max) characters.") }
        guard allowEmpty || !value.isEmpty else { throw PortalError.badRequest("Field '\(name)' must not be empty.") }
        guard !value.contains("\u{0}") else { throw PortalError.badRequest("Field '\(name)' must not contain NUL characters.") }
    }
}

extension Response {
    /// A JSON response with the given status.
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(data: data)))
    }
}

/// `{"ok": true}`.
struct OK: Encodable {
    let ok = true
}
