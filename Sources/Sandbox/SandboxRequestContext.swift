import Hummingbird
import NIOCore

/// The per-request context of the sandbox router. Besides Hummingbird's core storage it carries
/// the connection (so a fault can drop it after the side effect) and the latency the fault
/// middleware left for the handler to apply at the right moment (Stripe: after claiming the
/// idempotency key).
struct SandboxRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel
    var processingDelay: Duration = .zero

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// Sleeps for the latency the fault injector chose for this request, if any.
    mutating func applyProcessingDelay() async {
        let delay = processingDelay
        processingDelay = .zero
        if delay > .zero { try? await Task.sleep(for: delay) }
    }
}
