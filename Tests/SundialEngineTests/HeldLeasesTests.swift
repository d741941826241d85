import Foundation
import Testing
@testable import SundialEngine

@Suite("Held leases: what the heartbeat may mark lost")
struct HeldLeasesTests {
    @Test("a lease reported lost under the token the heartbeat read is marked lost")
    func takenLeaseIsLost() {
        var leases = HeldLeases()
        let id = UUID()
        leases.claimed(id, token: 7)
        let read = leases.tokens
        #expect(leases.markLost([id], readAs: read) == [id])
        #expect(leases.isLost(id))
        leases.finished(id)
        #expect(!leases.isLost(id))
        #expect(leases.isEmpty)
    }

    @Test("a stale report about a workflow this worker claimed again meanwhile stops nothing")
    func reclaimedLeaseIsNotLost() {
        // The CI failure this pins: the heartbeat read token 7, the step ended and slept 10 ms,
        // the worker claimed it again under token 8, and only then did the heartbeat's answer
        // ("token 7 is gone") arrive. Marking it lost stopped the new step and spent an attempt.
        var leases = HeldLeases()
        let id = UUID()
        leases.claimed(id, token: 7)
        let read = leases.tokens
        leases.finished(id)
        leases.claimed(id, token: 8)
        #expect(leases.markLost([id], readAs: read).isEmpty)
        #expect(!leases.isLost(id))
    }

    @Test("a stale report about a workflow that ended meanwhile marks nothing that a later claim would inherit")
    func endedLeaseIsNotLost() {
        var leases = HeldLeases()
        let id = UUID()
        leases.claimed(id, token: 7)
        let read = leases.tokens
        leases.finished(id)
        #expect(leases.markLost([id], readAs: read).isEmpty)
        leases.claimed(id, token: 8)
        #expect(!leases.isLost(id))
    }

    @Test("a step given up as stuck that returns after a new claim leaves the new claim's lease held")
    func lateEndKeepsNewerClaim() {
        var leases = HeldLeases()
        let id = UUID()
        leases.claimed(id, token: 3)
        leases.finished(id)             // given up as stuck: its slot freed
        leases.claimed(id, token: 4)    // the lease expired and this worker claimed it again
        leases.finished(id, token: 3)   // the stuck step finally returns
        #expect(leases.tokens[id] == 4)
        leases.finished(id, token: 4)
        #expect(leases.isEmpty)
    }
}
