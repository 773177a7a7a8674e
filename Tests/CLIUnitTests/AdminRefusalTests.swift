import PQ
@testable import PortalAuthCLI
@testable import PortalCore
import Testing

/// What `portal-auth admin` tells an operator when the database refuses or is not there: the
/// refusal a database failure becomes, the line printed on standard error (text or `--json`) and
/// the exit code. No database: the failures are made by hand.
@Suite struct AdminRefusalTests {
    @Test func anUnreachableDatabaseExitsThreeWithLibpqsReason() {
        let refusal = AdminRefusal.from(PQError(kind: .connection, message: "connection to server on socket \"/x\" failed\n"))
        #expect(refusal.kind == .unreachable)
        #expect(ExitStatus(refusal) == .unreachable && ExitStatus(refusal).rawValue == 3, "retry later: nothing was refused")
        #expect(refusal.code == "database_unreachable")
        #expect(refusal.report(json: false) == #"error: cannot reach the database: connection to server on socket "/x" failed"#)
    }

    @Test func aMissingGrantSaysWhichRoleToJoin() {
        let refusal = AdminRefusal.from(PQError(
            kind: .query, sqlState: SQLState.insufficientPrivilege, message: "permission denied for function invite"))
        #expect(refusal.kind == .permissionDenied)
        #expect(ExitStatus(refusal) == .refused)
        #expect(refusal.report(json: false)
            == "error: permission denied: permission denied for function invite (connect as a member of portal_admin (grant portal_admin to <you>))")
        #expect(refusal.report(json: true)
            == #"{"error":{"code":"permission_denied","hint":"connect as a member of portal_admin (grant portal_admin to <you>)","message":"permission denied: permission denied for function invite"}}"#)
    }

    @Test func aDomainRefusalKeepsTheDatabasesSentenceAndTheStableCode() {
        let refusal = AdminRefusal.from(PQError(kind: .query, sqlState: SQLState.clientNotFound, message: "client not found: c-1"))
        #expect(refusal.kind == .refused(.clientNotFound))
        #expect(ExitStatus(refusal) == .refused)
        #expect(refusal.report(json: false) == "error: client not found: c-1")
        #expect(refusal.report(json: true) == #"{"error":{"code":"client_not_found","message":"client not found: c-1"}}"#)

        let withHint = AdminRefusal.from(PQError(
            kind: .query, sqlState: SQLState.invalidSetting, message: "reset_ttl out of range", hint: "15 minutes to 7 days"))
        #expect(withHint.report(json: false) == "error: reset_ttl out of range (15 minutes to 7 days)")
    }

    @Test func aValueTheDatabaseCouldNotReadIsInvalidInput() {
        let refusal = AdminRefusal.from(PQError(kind: .query, sqlState: "22007", message: #"invalid input syntax for type interval: "soon""#))
        #expect(refusal.kind == .refused(.invalidRequest))
        #expect(refusal.code == "invalid_input")
        #expect(ExitStatus(refusal) == .refused)
        #expect(refusal.report(json: false) == #"error: invalid input syntax for type interval: "soon""#)
    }

    @Test func anyOtherFailureIsInternalWithoutTheServersText() {
        let refusal = AdminRefusal.from(PQError(kind: .query, sqlState: "XX000", message: "tuple concurrently updated in relation x"))
        #expect(refusal.kind == .refused(.internalError))
        #expect(ExitStatus(refusal) == .refused)
        #expect(refusal.report(json: false) == "error: \(PortalError.internalError.message)")
        #expect(!refusal.report(json: true).contains("tuple"))
    }
}
