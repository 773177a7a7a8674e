@testable import PQ
import Testing

/// What `PoolStateMachine` decides — which call gets which connection, when a connection opens,
/// which calls fail — with stand-ins for connections and calls.
@Suite struct PoolStateMachineTests {
    final class Link {}
    typealias Machine = PoolStateMachine<Link, String>

    /// Submits `call`, expecting it to wait; returns whether a connect was asked for.
    func queue(_ machine: inout Machine, _ call: String, id: UInt64) -> Bool? {
        if case .queued(let connect) = machine.submit(call, id: id) { return connect }
        return nil
    }

    @Test func aCallWaitsAndOpensAConnectionUpToTheSize() {
        var machine = Machine(size: 2)
        #expect(queue(&machine, "a", id: 1) == true)
        #expect(queue(&machine, "b", id: 2) == true)
        #expect(queue(&machine, "c", id: 3) == false, "never more connections than the size")
        #expect(machine.connecting == 2 && machine.waitingCalls == 3)
    }

    @Test func aNewConnectionTakesTheOldestWaitingCall() {
        var machine = Machine(size: 1)
        _ = queue(&machine, "first", id: 1)
        _ = queue(&machine, "second", id: 2)
        let link = Link()
        machine.connected()
        #expect(machine.live == 1 && machine.connecting == 0)
        #expect(machine.release(link).next == "first")
        #expect(machine.release(link).next == "second")
        let last = machine.release(link)
        #expect(last.next == nil && !last.giveUp, "no call waits: the connection goes idle")
        guard case .start(let idle) = machine.submit("third", id: 3) else {
            Issue.record("an idle connection was not used")
            return
        }
        #expect(idle === link)
    }

    @Test func aFailedConnectWithNoneOpenFailsEveryWaitingCall() {
        var machine = Machine(size: 2)
        _ = queue(&machine, "a", id: 1)
        _ = queue(&machine, "b", id: 2)
        #expect(machine.connectFailed() == ["a", "b"], "the server is down: nobody waits for it")
        #expect(machine.waitingCalls == 0)
        #expect(machine.connectFailed() == [])
        #expect(queue(&machine, "c", id: 3) == true, "the next call tries again")
    }

    @Test func aFailedConnectBesideAnOpenConnectionLeavesTheCallsWaiting() {
        var machine = Machine(size: 2)
        _ = queue(&machine, "a", id: 1)
        machine.connected()
        let link = Link()
        #expect(machine.release(link).next == "a")
        _ = queue(&machine, "b", id: 2)
        _ = queue(&machine, "c", id: 3)
        #expect(machine.connectFailed() == [], "the open connection will serve them")
        #expect(machine.waitingCalls == 2)
    }

    @Test func aLostConnectionIsReplacedWhileCallsWait() {
        var machine = Machine(size: 1)
        _ = queue(&machine, "a", id: 1)
        machine.connected()
        let link = Link()
        _ = machine.release(link)
        _ = queue(&machine, "b", id: 2)
        #expect(machine.lost(link) == true, "b waits: open another")
        #expect(machine.live == 0 && machine.connecting == 1)
        var idleOnly = Machine(size: 1)
        _ = queue(&idleOnly, "x", id: 1)
        idleOnly.connected()
        let other = Link()
        _ = idleOnly.release(other)
        _ = idleOnly.release(other)
        #expect(idleOnly.lost(other) == false, "nobody waits: nothing to open")
        guard case .queued(true) = idleOnly.submit("y", id: 2) else {
            Issue.record("the lost idle connection was handed out")
            return
        }
    }

    @Test func aCancelledWaitingCallLeavesTheQueue() {
        var machine = Machine(size: 1)
        _ = queue(&machine, "a", id: 1)
        _ = queue(&machine, "b", id: 2)
        _ = queue(&machine, "c", id: 3)
        #expect(machine.cancel(id: 2) == "b")
        #expect(machine.cancel(id: 2) == nil, "once")
        machine.connected()
        let link = Link()
        #expect(machine.release(link).next == "a")
        #expect(machine.release(link).next == "c", "the order of the others is kept")
        #expect(machine.cancel(id: 1) == nil, "a call on a connection runs to its end")
    }

    @Test func closingFailsTheWaitingCallsAndRefusesNewOnes() {
        var machine = Machine(size: 1)
        _ = queue(&machine, "a", id: 1)
        _ = queue(&machine, "b", id: 2)
        _ = queue(&machine, "c", id: 3)
        machine.connected()
        let busy = Link()
        #expect(machine.release(busy).next == "a")
        let closing = machine.close()
        #expect(closing.failed == ["b", "c"] && closing.idle.isEmpty)
        #expect(machine.close().failed.isEmpty, "closing twice fails nothing twice")
        if case .refuse = machine.submit("late", id: 4) {} else { Issue.record("a call after close was accepted") }
        #expect(machine.release(busy).giveUp, "a busy connection closes when its call completes")
        #expect(machine.lost(busy) == false, "nothing reopens after close")
    }

    @Test func closingReturnsTheIdleConnections() {
        var machine = Machine(size: 1)
        _ = queue(&machine, "a", id: 1)
        machine.connected()
        let link = Link()
        _ = machine.release(link)
        _ = machine.release(link)
        let closing = machine.close()
        #expect(closing.failed.isEmpty && closing.idle.count == 1 && closing.idle.first === link)
    }

    @Test func namedStatementsAreTurnedOffOnceAndSaidOnce() {
        var machine = Machine(size: 1)
        #expect(!machine.preparedLost)
        #expect(machine.statementsLost() == true)
        #expect(machine.statementsLost() == false)
        #expect(machine.preparedLost)
    }

    @Test func aConnectionThatCouldNotBeWatchedCountsAsAFailedConnect() {
        var machine = Machine(size: 1)
        _ = queue(&machine, "a", id: 1)
        machine.connected()
        machine.connectUndone()
        #expect(machine.connectFailed() == ["a"])
        #expect(machine.live == 0 && machine.connecting == 0)
    }
}
