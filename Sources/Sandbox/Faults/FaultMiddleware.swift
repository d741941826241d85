import Hummingbird
import NIOCore

/// Applies the fault plan of one API in front of its routes: answers with an injected error, 429
/// or hang, adds latency, and may drop the connection after the request's side effect happened.
struct FaultMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext

    let api: SandboxAPI
    let injector: FaultInjector
    let clock: SandboxClock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let plan = injector.plan(for: api)
        switch plan.action {
        case .serve:
            break
        case .fail(let status):
            try? await sleep(plan.latency)
            return FaultResponses.error(api: api, status: status, clock: clock)
        case .rateLimit(let retryAfter):
            try? await sleep(plan.latency)
            return FaultResponses.rateLimited(api: api, retryAfterSeconds: retryAfter, clock: clock)
        case .hang:
            await injector.hang()
            return FaultResponses.error(api: api, status: 503, clock: clock)
        }
        var context = context
        if api == .stripe {
            context.processingDelay = plan.latency
        } else {
            try? await sleep(plan.latency)
        }
        let response = try await next(request, context)
        if plan.resetAfterEffect {
            // The effect is committed; the client never learns of it.
            try? await context.channel.close()
        }
        return response
    }

    private func sleep(_ duration: Duration) async throws {
        if duration > .zero { try await Task.sleep(for: duration) }
    }
}
