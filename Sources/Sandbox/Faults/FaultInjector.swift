import Synchronization

/// Holds the live fault settings of every simulated API and decides, per request, which fault
/// (if any) applies. Exists so faults can be changed at run time (Swift API or `POST /sandbox/faults`)
/// while requests are in flight, deterministically from a seed.
public final class FaultInjector: Sendable {
    /// What the fault middleware does with one request.
    struct Plan: Sendable, Equatable {
        enum Action: Sendable, Equatable {
            case serve
            case fail(status: Int)
            case rateLimit(retryAfterSeconds: Int)
            case hang
        }

        var action: Action
        var latency: Duration
        var resetAfterEffect: Bool
        /// Served, then answered 200 with a body cut in half (see `FaultSettings.unreadableAfterEffectRate`).
        var unreadableAfterEffect = false
    }

    private struct State {
        var settings: [SandboxAPI: FaultSettings]
        var generators: [SandboxAPI: SeededGenerator]
        var hangGeneration: UInt64 = 0
        /// Set at shutdown: from then on nothing hangs, so the server can drain.
        var hangsDisabled = false
    }

    private let state: Mutex<State>
    private let initialSettings: [SandboxAPI: FaultSettings]
    private let seed: UInt64
    /// Upper bound of a simulated hang.
    let hangLimit: Duration

    init(settings: [SandboxAPI: FaultSettings], seed: UInt64, hangLimit: Duration) {
        self.initialSettings = settings
        self.seed = seed
        self.hangLimit = hangLimit
        self.state = Mutex(State(settings: settings, generators: Self.generators(seed: seed)))
    }

    private static func generators(seed: UInt64) -> [SandboxAPI: SeededGenerator] {
        var result: [SandboxAPI: SeededGenerator] = [:]
        for (index, api) in SandboxAPI.allCases.enumerated() {
            result[api] = SeededGenerator(seed: seed &+ UInt64(index) &* 0x1000_0000_01B3)
        }
        return result
    }

    /// The current settings of one API (`.none` when nothing was set).
    public func settings(for api: SandboxAPI) -> FaultSettings {
        state.withLock { $0.settings[api] ?? .none }
    }

    /// The current settings of every API.
    public func allSettings() -> [SandboxAPI: FaultSettings] {
        state.withLock { state in
            Dictionary(uniqueKeysWithValues: SandboxAPI.allCases.map { ($0, state.settings[$0] ?? .none) })
        }
    }

    /// Replaces the settings of one API. Requests currently hanging are released.
    public func set(_ settings: FaultSettings, for api: SandboxAPI) {
        state.withLock { state in
            state.settings[api] = settings
            state.hangGeneration &+= 1
        }
    }

    /// Applies a change to the settings of one API, e.g. `update(.usps) { $0.rateLimitRate = 1 }`.
    public func update(_ api: SandboxAPI, _ change: (inout FaultSettings) -> Void) {
        state.withLock { state in
            var settings = state.settings[api] ?? .none
            change(&settings)
            state.settings[api] = settings
            state.hangGeneration &+= 1
        }
    }

    /// Removes every fault from every API and releases hanging requests.
    public func clearAll() {
        state.withLock { state in
            state.settings = [:]
            state.hangGeneration &+= 1
        }
    }

    /// Restarts every generator from `seed`, so the fault sequence that follows is reproducible.
    public func reseed(_ seed: UInt64) {
        state.withLock { $0.generators = Self.generators(seed: seed) }
    }

    /// Back to the settings and seed given at construction.
    func reset() {
        state.withLock { state in
            state.settings = initialSettings
            state.generators = Self.generators(seed: seed)
            state.hangGeneration &+= 1
        }
    }

    /// Lets every request that is hanging now or later finish at once (used at shutdown).
    func stopHanging() {
        state.withLock { state in
            state.hangGeneration &+= 1
            state.hangsDisabled = true
        }
    }

    func plan(for api: SandboxAPI) -> Plan {
        state.withLock { state in
            var settings = state.settings[api] ?? .none
            var generator = state.generators[api] ?? SeededGenerator(seed: seed)
            defer {
                state.generators[api] = generator
                state.settings[api] = settings
            }
            let latency = Duration.milliseconds(settings.latencyMilliseconds)
            let reset = generator.chance(settings.resetAfterEffectRate)
            let unreadable = !reset && generator.chance(settings.unreadableAfterEffectRate)
            func errorStatus() -> Int {
                settings.errorStatus ?? (generator.next() & 1 == 0 ? 500 : 503)
            }
            if settings.down {
                return Plan(action: .fail(status: 503), latency: .zero, resetAfterEffect: false)
            }
            if settings.failNext > 0 {
                settings.failNext -= 1
                return Plan(action: .fail(status: errorStatus()), latency: latency, resetAfterEffect: false)
            }
            if generator.chance(settings.hangRate) {
                return Plan(action: .hang, latency: .zero, resetAfterEffect: false)
            }
            if generator.chance(settings.rateLimitRate) {
                return Plan(action: .rateLimit(retryAfterSeconds: settings.retryAfterSeconds), latency: latency, resetAfterEffect: false)
            }
            if generator.chance(settings.errorRate) {
                return Plan(action: .fail(status: errorStatus()), latency: latency, resetAfterEffect: false)
            }
            return Plan(action: .serve, latency: latency, resetAfterEffect: reset, unreadableAfterEffect: unreadable)
        }
    }

    /// Waits until the hang limit passes, the hang is released, or the task is cancelled.
    func hang() async {
        let generation = state.withLock { $0.hangGeneration }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: hangLimit)
        while clock.now < deadline, !Task.isCancelled {
            if state.withLock({ $0.hangGeneration != generation || $0.hangsDisabled }) { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
