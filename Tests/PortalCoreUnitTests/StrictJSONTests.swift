import PortalCore
import Foundation
import Testing

/// Request bodies are RFC 8259 JSON (Foundation's parser forgives a trailing comma; we do not).
@Suite struct StrictJSONTests {
    @Test(arguments: [#"{"email": "a@b.co",}"#, #"{"a": [1, 2,]}"#, "{\"a\": 1,\n }", #"[1,]"#])
    func aTrailingCommaIsFound(body: String) {
        #expect(StrictJSON.hasTrailingComma(Data(body.utf8)))
    }

    @Test(arguments: [#"{"email": "a@b.co"}"#, #"{"a": "x,}"}"#, #"{"a": "\",]", "b": [1, 2]}"#, #"{"a": {}, "b": []}"#])
    func commasInsideStringsOrBetweenValuesAreFine(body: String) {
        #expect(!StrictJSON.hasTrailingComma(Data(body.utf8)))
    }
}

@Suite struct StrictJSONDecodeTests {
    struct SignIn: Decodable, Equatable {
        let email: String
        let password: String
    }
    static let fields: Set<String> = ["email", "password"]

    @Test func aKnownObjectDecodes() throws {
        let value = try StrictJSON.decode(SignIn.self, fields: Self.fields, from: Data(#"{"email":"a@b.co","password":"x"}"#.utf8))
        #expect(value == SignIn(email: "a@b.co", password: "x"))
    }

    @Test(arguments: [
        (#"{"email":"a@b.co","password":"x","nmae":1}"#, "Field 'nmae' is not known here (expected: email, password)."),
        (#"{"email":"a@b.co"}"#, "Field 'password' is required."),
        (#"{"email":1,"password":"x"}"#, "Field 'email' must be a string."),
        (#"[1]"#, "The body must be a JSON object."),
        (#"{"email":"a@b.co","password":"x",}"#, "The body is not valid JSON."),
    ])
    func aRefusalNamesWhatIsWrong(body: String, message: String) {
        #expect(throws: StrictJSON.Refusal(message: message)) {
            try StrictJSON.decode(SignIn.self, fields: Self.fields, from: Data(body.utf8))
        }
    }
}
