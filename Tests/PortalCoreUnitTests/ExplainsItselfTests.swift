import Foundation
import Logging
@testable import PortalCore
import Gateway
import Testing

/// What operators read: JSON logs, the sender rule (`portal-auth env`: `SettingsFlagsTests`).
@Suite struct OperatorOutputTests {
    @Test func jsonLogsKeepNumbersAsNumbers() {
        #expect(JSONLogHandler.jsonValue(.string("12")) as? Int == 12)
        #expect(JSONLogHandler.jsonValue(.string("1.5")) as? Double == 1.5)
        #expect(JSONLogHandler.jsonValue(.stringConvertible(404)) as? Int == 404)
        #expect(JSONLogHandler.jsonValue(.string("012")) as? String == "012", "not a number: a leading zero")
        #expect(JSONLogHandler.jsonValue(.string("10.9.9.9")) as? String == "10.9.9.9")
        #expect(JSONLogHandler.jsonValue(.string("abc")) as? String == "abc")
    }

    @Test func jsonLogTimestampsAreISO8601UTCLikeFoundationWrites() {
        for seconds in [0, 951_782_400, 1_795_000_000, Int(Date().timeIntervalSince1970)] {
            let foundation = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            #expect(JSONLogHandler.timestamp(seconds) == foundation)
        }
    }

    @Test func aLocalSenderNeedsNoDotButNoHeaderSpecialsEither() {
        #expect(EmailAddress.isValidSender("noreply@localhost"))
        #expect(!EmailAddress.isValid("noreply@localhost"))
        #expect(!EmailAddress.isValidSender("a>,<b@localhost"))
    }
}
