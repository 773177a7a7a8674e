import ArgumentParser
@testable import PortalAuthCLI
import PortalCore
import Testing

/// One exit-code table for every command: 0 done, 1 refused, 3 database unreachable, 64 usage.
@Suite struct ExitStatusTests {
    @Test func theTableIsZeroOneThreeSixtyFour() {
        #expect(ExitStatus.allCases.map(\.rawValue) == [0, 1, 3, 64])
        #expect(ExitStatus.usage.exitCode == ExitCode.validationFailure, "ArgumentParser's usage errors exit with the table's usage code")
    }

    /// migrate says "unreachable" the way admin does: 3, so a script retries both alike.
    @Test func migrateExitsThreeWhenItCannotConnectAndOneForEveryOtherFailure() {
        #expect(ExitStatus(Migrator.Failure.cannotConnect(reason: "connection refused")) == .unreachable)
        let refused: [Migrator.Failure] = [
            .noMigrations(directory: "/x"), .changedAfterApply("0001_x.sql"), .failed(name: "0001_x.sql", sqlState: "42601"),
            .permissionDenied(message: "permission denied to create role"), .database("database error (SQLSTATE 53100)"),
        ]
        for failure in refused { #expect(ExitStatus(failure) == .refused, "\(failure)") }
    }

    @Test func aCLIFailureIsARefusalUnlessItSaysOtherwise() {
        #expect(CLIFailure(message: "configuration: PORT must be an integer").status == .refused)
        #expect(CLIFailure(message: "cannot connect", status: .unreachable).status.rawValue == 3)
    }
}

extension ExitStatusTests {
    /// Every command's --help states the same table: admin's and those of serve, mailer and migrate.
    @Test func everyCommandsHelpStatesTheTable() {
        #expect(ExitStatus.summary.hasPrefix("Exit codes: 0 done; 1 refused"))
        #expect(ExitStatus.summary.contains("; 3 the database is unreachable") && ExitStatus.summary.contains("; 64 usage"))
        #expect(SettingsHelp.discussion.contains(ExitStatus.summary))
        #expect(AdminCommand.configuration.discussion.contains(ExitStatus.summary))
    }
}
