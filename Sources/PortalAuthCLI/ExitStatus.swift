import ArgumentParser
import Foundation
import PortalCore

/// The exit codes of every command, in one table (README: "Exit codes").
enum ExitStatus: Int32, CaseIterable, Sendable {
    /// Done.
    case ok = 0
    /// Refused, with the reason printed: a setting the process cannot use, an unknown id, a
    /// conflict, a value out of range, a migration that failed.
    case refused = 1
    /// The database could not be reached (host, socket, authentication): nothing was refused, so
    /// running the same command again later may succeed.
    case unreachable = 3
    /// Usage: a bad or missing argument or flag (sysexits' EX_USAGE, ArgumentParser's `ValidationError`).
    case usage = 64

    /// The code in words, for `--help`.
    var meaning: String {
        switch self {
        case .ok: "done"
        case .refused: "refused (the reason is printed: a setting, id or value it cannot use, a conflict, a failed migration)"
        case .unreachable: "the database is unreachable (nothing was refused: try again later)"
        case .usage: "usage (a bad or missing argument or flag)"
        }
    }

    /// The table as one sentence, the same in every command's `--help`.
    static var summary: String {
        "Exit codes: " + allCases.map { "\($0.rawValue) \($0.meaning)" }.joined(separator: "; ") + "."
    }

    /// What ArgumentParser exits with.
    var exitCode: ExitCode { ExitCode(rawValue) }

    /// A DBA call's refusal: `unreachable` when the database was not there, else `refused`.
    init(_ refusal: AdminRefusal) {
        self = refusal.kind == .unreachable ? .unreachable : .refused
    }

    /// A migration's failure: `unreachable` when migrate could not connect, else `refused`.
    init(_ failure: Migrator.Failure) {
        if case .cannotConnect = failure { self = .unreachable } else { self = .refused }
    }
}

/// A failure whose message is fit for the terminal: printed as `Error: <message>` on standard
/// error, then the process exits with `status` (`PortalAuth.main`).
struct CLIFailure: Error, CustomStringConvertible {
    let message: String
    var status: ExitStatus = .refused
    var description: String { message }
}
