import Foundation
@testable import Gateway
import Testing

/// `/readyz`'s shared probe: concurrent probes share a round trip, and no probe is answered by a
/// round trip that began before it arrived.
@Suite struct SharedProbeTests {
    /// Round trips that wait until the test lets each one finish, with the answer it chooses.
    actor RoundTrips {
        private(set) var started = 0
        private var finish: [CheckedContinuation<Bool, Never>] = []

        func run() async throws {
            started += 1
            let ok = await withCheckedContinuation { finish.append($0) }
            if !ok { throw CancellationError() }
        }

        /// Ends the oldest round trip in flight: `ok` false makes it fail.
        func end(ok: Bool) {
            finish.removeFirst().resume(returning: ok)
        }

        var inFlight: Int { finish.count }
    }

    static func until(_ condition: @Sendable () async -> Bool) async throws {
        for _ in 0..<2_000 where !(await condition()) { try await Task.sleep(for: .milliseconds(1)) }
        #expect(await condition())
    }

    @Test func aProbeIsNeverAnsweredByARoundTripThatBeganBeforeIt() async throws {
        let trips = RoundTrips()
        let probe = SharedProbe { try await trips.run() }
        let first = Task { await probe.check() }
        try await Self.until { await trips.inFlight == 1 }
        let second = Task { await probe.check() }
        try await Self.until { probe.waitingCount == 1 }
        #expect(await trips.started == 1, "the second probe waits for the round trip in flight to end")
        await trips.end(ok: true)
        #expect(await first.value)
        try await Self.until { await trips.inFlight == 1 }
        await trips.end(ok: false)
        #expect(await second.value == false, "the second probe got the answer of the round trip after its arrival")
        #expect(await trips.started == 2)
    }

    @Test func concurrentProbesShareOneRoundTrip() async throws {
        let trips = RoundTrips()
        let probe = SharedProbe { try await trips.run() }
        let first = Task { await probe.check() }
        try await Self.until { await trips.inFlight == 1 }
        let others = (0..<50).map { _ in Task { await probe.check() } }
        try await Self.until { probe.waitingCount == 50 }
        await trips.end(ok: true)
        #expect(await first.value)
        try await Self.until { await trips.inFlight == 1 }
        await trips.end(ok: true)
        for other in others { #expect(await other.value) }
        #expect(await trips.started == 2, "fifty probes that arrived together cost one round trip")

        // Idle again: the next probe starts a round trip of its own.
        let later = Task { await probe.check() }
        try await Self.until { await trips.inFlight == 1 }
        await trips.end(ok: false)
        #expect(await later.value == false)
        #expect(await trips.started == 3)
    }
}
