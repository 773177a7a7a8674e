@testable import Gateway
import Foundation
import Testing

/// Request bodies are RFC 8259 JSON (Foundation's parser forgives a trailing comma; we do not).
@Suite struct StrictJSONTests {
    @Test(arguments: [#"{"email": "a@b.co",}"#, #"{"a": [1, 2,]}"#, "{\"a\": 1,\n }", #"[1,]"#])
    func aTrailingCommaIsFound(body: String) {
        #expect(JSONBody.hasTrailingComma(Data(body.utf8)))
    }

    @Test(arguments: [#"{"email": "a@b.co"}"#, #"{"a": "x,}"}"#, #"{"a": "\",]", "b": [1, 2]}"#, #"{"a": {}, "b": []}"#])
    func commasInsideStringsOrBetweenValuesAreFine(body: String) {
        #expect(!JSONBody.hasTrailingComma(Data(body.utf8)))
    }
}
