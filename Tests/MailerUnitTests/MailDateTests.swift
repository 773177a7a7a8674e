import Foundation
@testable import Mailer
import Testing

/// The `Date:` header, written without a formatter object, against Foundation's own.
@Suite struct MailDateTests {
    @Test func matchesFoundationsRFC5322Rendering() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        var seconds = 0.0
        // Every weekday and month over four years, and a leap day.
        for _ in 0..<400 {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(MailMessage.rfc5322Date(date) == formatter.string(from: date))
            seconds += 86_400 * 3.7 + 3_661.5
        }
        let leapDay = Date(timeIntervalSince1970: 951_782_400)
        #expect(MailMessage.rfc5322Date(leapDay) == "Tue, 29 Feb 2000 00:00:00 +0000")
    }
}
