/// A gate a test opens by hand: calls that pass through it wait until it is open, and it counts
/// how many arrived, so a test can hold calls open inside a guarded section deterministically.
public actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    /// How many callers reached the gate (waiting or passed).
    public private(set) var arrivals = 0

    public init() {}

    /// Waits until the gate is open (returns at once when it already is).
    public func pass() async {
        arrivals += 1
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Opens the gate and lets every waiting caller through.
    public func open() {
        isOpen = true
        let waiting = waiters
        waiters = []
        for waiter in waiting { waiter.resume() }
    }
}
