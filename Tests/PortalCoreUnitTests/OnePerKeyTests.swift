@testable import PortalCore
import Testing

/// One operation per key at a time; the others wait in memory, at most their patience (no database).
@Suite struct OnePerKeyTests {
    actor Log {
        var events: [String] = []
        func add(_ event: String) { events.append(event) }
    }

    @Test func operationsOfOneKeyRunOneAfterTheOtherAndOtherKeysDoNotWait() async throws {
        let gate = OnePerKey()
        let log = Log()
        async let first: Void = gate.run(key: "a", patience: .seconds(5)) {
            await log.add("a1 start")
            try await Task.sleep(for: .milliseconds(200))
            await log.add("a1 end")
        }
        try await Task.sleep(for: .milliseconds(50))
        async let second: Void = gate.run(key: "a", patience: .seconds(5)) { await log.add("a2") }
        let started = ContinuousClock.now
        try await gate.run(key: "b", patience: .seconds(5)) { await log.add("b") }
        #expect(ContinuousClock.now - started < .milliseconds(100), "another key does not wait")
        _ = try await (first, second)
        let events = await log.events
        #expect(events.firstIndex(of: "a2")! > events.firstIndex(of: "a1 end")!, "the second waited for the first")
    }

    @Test func aWaiterGivesUpAfterItsPatienceAsUnavailable() async throws {
        let gate = OnePerKey()
        let log = Log()
        let (release, releaser) = AsyncStream<Void>.makeStream()
        // The holder keeps the key until told: only the waiter's patience can end its wait.
        async let holder: Void = gate.run(key: "k", patience: .seconds(30)) {
            await log.add("held")
            for await _ in release { break }
        }
        while await log.events.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        let started = ContinuousClock.now
        await #expect(throws: PortalError.unavailable()) {
            try await gate.run(key: "k", patience: .milliseconds(100)) { Issue.record("ran while the key was held") }
        }
        #expect(ContinuousClock.now - started >= .milliseconds(100), "it waited its patience")
        #expect(gate.waitingCount == 0, "the one that gave up is no longer queued")
        releaser.yield()
        releaser.finish()
        try await holder
        try await gate.run(key: "k", patience: .milliseconds(100)) {}
    }
}
