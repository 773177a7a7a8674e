@testable import PQ
import Testing

/// A call as the tests make it: a label and, for a named call, the name it runs under.
struct TestCall: StatementCall, Equatable {
    let label: String
    let preparedName: PreparedName?

    var unnamed: TestCall { TestCall(label: label, preparedName: nil) }

    static func == (lhs: TestCall, rhs: TestCall) -> Bool {
        lhs.label == rhs.label && lhs.preparedName?.id == rhs.preparedName?.id
    }
}

let statementA = PreparedName(id: 1, name: "portal_000000000000000a")
let statementB = PreparedName(id: 2, name: "portal_000000000000000b")

func rows(_ value: String) -> PQRows { PQRows(columns: ["v"], rows: [[value]]) }

func serverError(_ sqlState: String) -> PQError {
    PQError(kind: .query, sqlState: sqlState, message: "server says \(sqlState)")
}

let lostConnection = PQError(kind: .connection, message: "server closed the connection unexpectedly")

/// What `ConnectionStateMachine` decides, one event at a time, with no server: the same
/// decisions the reactor's integration tests (`Tests/PQIntegrationTests`) prove against Postgres.
@Suite struct ConnectionStateMachineTests {
    typealias Machine = ConnectionStateMachine<TestCall>

    /// The answer and the fate of the connection when the action completes a call.
    func completion(_ action: Machine.Action) -> (call: TestCall, result: Result<PQRows, PQError>, reuse: Bool)? {
        if case .complete(let call, let result, let reuse) = action { return (call, result, reuse) }
        return nil
    }

    func value(_ result: Result<PQRows, PQError>?) -> String? {
        guard case .success(let rows)? = result else { return nil }
        return rows.first?[0]
    }

    func sqlState(_ result: Result<PQRows, PQError>?) -> String? {
        guard case .failure(let error)? = result else { return nil }
        return error.sqlState
    }

    /// Runs a named call through Prepare and Execute to its answer.
    func runNamed(_ machine: inout Machine, _ call: TestCall, answer: String) {
        _ = machine.start(call, namedStatements: true)
        machine.received(.success(rows("")))
        _ = machine.resultsDone(connectionOK: true, inTransaction: false)
        machine.received(.success(rows(answer)))
        _ = machine.resultsDone(connectionOK: true, inTransaction: false)
    }

    @Test func aNamedCallIsPreparedBeforeItRuns() {
        var machine = Machine()
        let call = TestCall(label: "a", preparedName: statementA)
        guard case .prepare(let sent, let name) = machine.start(call, namedStatements: true) else {
            Issue.record("the statement was not prepared first")
            return
        }
        #expect(sent == call && name.id == statementA.id)
        #expect(machine.currentCall == call)
        #expect(!machine.isIdle)
    }

    @Test func aSuccessfulPrepareIsFollowedByTheExecuteAndRemembered() {
        var machine = Machine()
        let call = TestCall(label: "a", preparedName: statementA)
        _ = machine.start(call, namedStatements: true)
        machine.received(.success(PQRows(columns: [], rows: [])))
        guard case .execute(let sent) = machine.resultsDone(connectionOK: true, inTransaction: false) else {
            Issue.record("no execute after the prepare")
            return
        }
        #expect(sent == call)
        #expect(machine.hasPrepared(statementA))
        machine.received(.success(rows("41")))
        let done = completion(machine.resultsDone(connectionOK: true, inTransaction: false))
        #expect(done?.call == call && value(done?.result) == "41" && done?.reuse == true)
        #expect(machine.isIdle)
    }

    @Test func aStatementPreparedOnceIsExecutedDirectlyAfterwards() {
        var machine = Machine()
        runNamed(&machine, TestCall(label: "first", preparedName: statementA), answer: "1")
        let second = TestCall(label: "second", preparedName: statementA)
        guard case .execute(let sent) = machine.start(second, namedStatements: true) else {
            Issue.record("a prepared statement was prepared again")
            return
        }
        #expect(sent == second)
        machine.received(.success(rows("2")))
        #expect(value(completion(machine.resultsDone(connectionOK: true, inTransaction: false))?.result) == "2")
        // Another text is still prepared first.
        let other = TestCall(label: "other", preparedName: statementB)
        if case .prepare = machine.start(other, namedStatements: true) {} else {
            Issue.record("another statement was not prepared")
        }
    }

    @Test func anUnnamedCallRunsWithoutAPrepare() {
        var machine = Machine()
        let call = TestCall(label: "plain", preparedName: nil)
        guard case .execute(let sent) = machine.start(call, namedStatements: true) else {
            Issue.record("an unnamed call was prepared")
            return
        }
        #expect(sent == call)
        machine.received(.success(rows("x")))
        let done = completion(machine.resultsDone(connectionOK: true, inTransaction: false))
        #expect(value(done?.result) == "x" && done?.reuse == true)
    }

    @Test func aNamedCallGoesUnnamedOnceNamedStatementsAreOff() {
        var machine = Machine()
        let call = TestCall(label: "late", preparedName: statementA)
        guard case .execute(let sent) = machine.start(call, namedStatements: false) else {
            Issue.record("the call was prepared although named statements are off")
            return
        }
        #expect(sent.preparedName == nil && sent.label == "late")
    }

    @Test func theFirstErrorOfACommandIsItsAnswer() {
        var machine = Machine()
        _ = machine.start(TestCall(label: "a", preparedName: nil), namedStatements: true)
        machine.received(.success(rows("before")))
        machine.received(.failure(serverError("22012")))
        machine.received(.failure(serverError("XX000")))
        machine.received(.success(rows("after")))
        let done = completion(machine.resultsDone(connectionOK: true, inTransaction: false))
        #expect(sqlState(done?.result) == "22012")
        #expect(done?.reuse == true, "a failed statement leaves the connection usable")
    }

    @Test func aStatementThatFailsToPrepareIsNotRemembered() {
        var machine = Machine()
        let call = TestCall(label: "bad", preparedName: statementA)
        _ = machine.start(call, namedStatements: true)
        machine.received(.failure(serverError("42703")))
        let done = completion(machine.resultsDone(connectionOK: true, inTransaction: false))
        #expect(done?.call == call && sqlState(done?.result) == "42703" && done?.reuse == true)
        #expect(!machine.hasPrepared(statementA))
        if case .prepare = machine.start(call, namedStatements: true) {} else {
            Issue.record("the next call did not prepare again")
        }
    }

    @Test func aLostStatementRunsTheCallAgainUnnamed() {
        // 26000 on Execute: a `DISCARD ALL` or a pooler lost what we prepared.
        var machine = Machine()
        runNamed(&machine, TestCall(label: "first", preparedName: statementA), answer: "1")
        let call = TestCall(label: "again", preparedName: statementA)
        _ = machine.start(call, namedStatements: true)
        machine.received(.failure(serverError("26000")))
        let action = machine.resultsDone(connectionOK: true, inTransaction: false)
        guard case .runAgainUnnamed(let retried, let error) = action else {
            Issue.record("the call was not run again")
            return
        }
        #expect(retried == call && error.sqlState == "26000")
        #expect(machine.isClosed, "the connection's idea of what is prepared is wrong: it goes")
    }

    @Test func aNameTakenOnTheSessionRunsTheCallAgainUnnamed() {
        // 42P05 on Prepare: another client of a pooler prepared that name on this session.
        var machine = Machine()
        let call = TestCall(label: "ours", preparedName: statementA)
        _ = machine.start(call, namedStatements: true)
        machine.received(.failure(serverError("42P05")))
        let action = machine.resultsDone(connectionOK: true, inTransaction: false)
        guard case .runAgainUnnamed(let retried, let error) = action else {
            Issue.record("the call was not run again")
            return
        }
        #expect(retried == call && error.sqlState == "42P05")
        #expect(!machine.hasPrepared(statementA), "the statement under that name is not ours")
    }

    @Test func an26000OnAnUnnamedCallIsItsAnswerAndRetiresTheConnection() {
        // Nothing to run again (the caller's own `execute` of a name the session lacks), but the
        // session does not keep statements: it is not reused.
        var machine = Machine()
        let call = TestCall(label: "execute x", preparedName: nil)
        _ = machine.start(call, namedStatements: true)
        machine.received(.failure(serverError("26000")))
        let done = completion(machine.resultsDone(connectionOK: true, inTransaction: false))
        #expect(sqlState(done?.result) == "26000" && done?.reuse == false)
        #expect(machine.isClosed)
    }

    @Test func aConnectionLostMidResultFailsTheCallAsAConnectionError() {
        var machine = Machine()
        let call = TestCall(label: "victim", preparedName: nil)
        _ = machine.start(call, namedStatements: true)
        let done = completion(machine.connectionLost(lostConnection))
        guard case .failure(let error)? = done?.result else {
            Issue.record("the call did not fail")
            return
        }
        #expect(done?.call == call && error.kind == .connection && done?.reuse == false)
        #expect(machine.isClosed)
        if case .wait = machine.connectionLost(lostConnection) {} else {
            Issue.record("the loss was reported twice")
        }
    }

    @Test func theServersReasonForClosingIsKept() {
        // An admin shutdown: the server says 57P01, then closes.
        var machine = Machine()
        _ = machine.start(TestCall(label: "a", preparedName: nil), namedStatements: true)
        machine.received(.failure(serverError("57P01")))
        let done = completion(machine.connectionLost(lostConnection))
        #expect(sqlState(done?.result) == "57P01" && done?.reuse == false)
    }

    @Test func aCompleteAnswerFollowedByEOFIsAnAnswer() {
        var machine = Machine()
        _ = machine.start(TestCall(label: "a", preparedName: nil), namedStatements: true)
        machine.received(.success(rows("42")))
        let done = completion(machine.resultsDone(connectionOK: false, inTransaction: false))
        #expect(value(done?.result) == "42", "the caller gets its rows")
        #expect(done?.reuse == false, "the connection is replaced")
    }

    @Test func aCommandWithoutAResultIsAnError() {
        var machine = Machine()
        _ = machine.start(TestCall(label: "a", preparedName: nil), namedStatements: true)
        let done = completion(machine.resultsDone(connectionOK: true, inTransaction: false))
        guard case .failure(let error)? = done?.result else {
            Issue.record("no result answered as success")
            return
        }
        #expect(error.kind == .query)
    }

    @Test func aConnectionLeftInsideATransactionIsRetired() {
        var machine = Machine()
        _ = machine.start(TestCall(label: "begin", preparedName: nil), namedStatements: true)
        machine.received(.success(PQRows(columns: [], rows: [])))
        let done = completion(machine.resultsDone(connectionOK: true, inTransaction: true))
        guard case .success? = done?.result else {
            Issue.record("the statement itself failed")
            return
        }
        #expect(done?.reuse == false, "no later caller runs inside that transaction")
    }

    @Test func anIdleConnectionStaysForANoticeAndRetiresOnEOF() {
        var machine = Machine()
        if case .wait = machine.idleInput(connectionOK: true) {} else {
            Issue.record("a notice retired the connection")
        }
        #expect(machine.isIdle)
        if case .retire = machine.idleInput(connectionOK: false) {} else {
            Issue.record("EOF while idle did not retire it")
        }
        #expect(machine.isClosed)
        if case .wait = machine.connectionLost(lostConnection) {} else {
            Issue.record("a closed connection was retired twice")
        }
    }

    @Test func writabilityIsWatchedOnlyWhileOutputWaits() {
        var machine = Machine()
        #expect(machine.flushed(moreToSend: false) == nil, "nothing to change")
        #expect(machine.flushed(moreToSend: true) == true, "watch: the socket was full")
        #expect(machine.flushed(moreToSend: true) == nil, "already watching")
        #expect(machine.flushed(moreToSend: false) == false, "stop: a level-triggered EPOLLOUT would spin")
        #expect(!machine.watchingWrites)
    }

    @Test func aRetiredConnectionAnswersNothingMore() {
        var machine = Machine()
        _ = machine.start(TestCall(label: "a", preparedName: nil), namedStatements: true)
        machine.close()
        #expect(machine.isClosed && machine.currentCall == nil)
        if case .wait = machine.resultsDone(connectionOK: true, inTransaction: false) {} else {
            Issue.record("a closed connection completed a call")
        }
        if case .wait = machine.idleInput(connectionOK: true) {} else {
            Issue.record("a closed connection woke up")
        }
    }
}
