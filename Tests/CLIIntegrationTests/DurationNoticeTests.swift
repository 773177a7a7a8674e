import Foundation
import TestSupport
import Testing

/// A DBA in psql who gives a duration as a bare number is told it was read as seconds.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh"))
struct DurationNoticeTests {
    @Test func aBareNumberForADurationIsReadAsSecondsAndPsqlSaysSo() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", try TestEnvironment.databaseURL(),
            "-c", "begin", "-c", "select portal_api.set_setting('reset_ttl', '3600')",
            "-c", "select portal_api.set_setting('activation_ttl', '72 hours')", "-c", "rollback",
        ]
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(stderr)")
        #expect(stderr.contains("NOTICE:  reset_ttl: the bare number 3600 was read as 3600 seconds (01:00:00)"), "\(stderr)")
        #expect(!stderr.contains("activation_ttl"), "a duration with its unit needs no notice: \(stderr)")
    }
}
