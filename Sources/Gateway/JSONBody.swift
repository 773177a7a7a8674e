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
        guard isJSON(request.headers[.contentType]) else { throw HTTPFailure.unsupportedMediaType }
        let buffer: ByteBuffer
        do {
            buffer = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
                group.addTask { try await request.body.collect(upTo: maximumSize) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let body = first else { throw HTTPFailure.requestTimeout }
                return body
            }
        } catch is NIOTooManyBytesError {
            throw HTTPFailure.payloadTooLarge
        }
        let value: T
        do {
            value = try StrictJSON.decode(T.self, fields: T.fields, from: Data(buffer: buffer))
        } catch {
            throw PortalError.badRequest(error.message)
        }
        try value.validate()
        return value
    }

    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        return mediaType == "application/json"
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

    /// A language tag by the one rule (`LanguageTag`: `de`, `de-AT`, `sr-Latn-RS`, in any letter
    /// case), or 400 naming the field; nil for nil.
    static func locale(_ value: String?, _ name: String = "locale") throws(PortalError) -> LanguageTag? {
        guard let value else { return nil }
        guard let tag = LanguageTag(value) else {
            throw PortalError.badRequest(
                "Field '\(name)' must be a BCP 47 language tag: a language, optionally a script and a region (de, de-AT, sr-Latn-RS).")
        }
        return tag
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
    /// One encoder for every response: configured once, then only used (safe to share).
    private static let jsonEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// A JSON response with the given status.
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        let data = (try? jsonEncoder.encode(value)) ?? Data("{}".utf8)
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(data: data)))
    }
}

/// `{"ok": true}`.
struct OK: Encodable {
    let ok = true
}
