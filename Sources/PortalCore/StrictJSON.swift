import Foundation

/// Request bodies as the gateway accepts them: RFC 8259 JSON (Foundation's parser forgives a
/// trailing comma; we do not), a JSON object, no field outside `fields` (a typo such as `nmae`
/// must not be silently dropped), then `Decodable`. A refusal carries a sentence that names the
/// field; the gateway answers it with 400. Pure, so it is fuzzed on its own (fuzz/).
public enum StrictJSON {
    public struct Refusal: Error, Sendable, Equatable {
        public let message: String
        public init(message: String) { self.message = message }
    }

    public static func decode<T: Decodable>(_ type: T.Type, fields: Set<String>, from data: Data) throws(Refusal) -> T {
        guard !hasTrailingComma(data), let object = try? JSONSerialization.jsonObject(with: data, options: []) else {
            throw Refusal(message: "The body is not valid JSON.")
        }
        guard let members = object as? [String: Any] else { throw Refusal(message: "The body must be a JSON object.") }
        if let unknown = members.keys.sorted().first(where: { !fields.contains($0) }) {
            throw Refusal(message:
                "Field '\(String(unknown.prefix(64)))' is not known here (expected: \(fields.sorted().joined(separator: ", "))).")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw Refusal(message: message(for: error))
        } catch {
            throw Refusal(message: "The body is malformed.")
        }
    }

    /// Whether a `,` outside strings is followed (after whitespace) by `}` or `]`.
    public static func hasTrailingComma(_ data: Data) -> Bool {
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

    static func message(for error: DecodingError) -> String {
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
