import Hummingbird
import NIOCore
import Synchronization

/// Applies the fault plan of one API in front of its routes: answers with an injected error, 429
/// or hang, adds latency, and may drop the connection after the request's side effect happened.
struct FaultMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext

    let api: SandboxAPI
    let injector: FaultInjector
    let clock: SandboxClock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let only = injector.settings(for: api).onlyPath, request.uri.path != api.pathPrefix + only {
            return try await next(request, context)
        }
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
        if plan.unreadableAfterEffect {
            // The effect is committed; the client is told "OK" but cannot read what happened.
            return try await Self.cutOff(response)
        }
        return response
    }

    /// A 200 carrying the first half of `response`'s body (so never all of it), under the
    /// original content type.
    private static func cutOff(_ response: Response) async throws -> Response {
        let body = BodyCollector()
        try await response.body.write(body)
        let bytes = body.bytes.value
        var headers = HTTPFields()
        headers[.contentType] = response.headers[.contentType] ?? "application/json"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes.prefix(bytes.count / 2))))
    }

    private func sleep(_ duration: Duration) async throws {
        if duration > .zero { try await Task.sleep(for: duration) }
    }
}

/// Gathers a response body written to it, so a fault can send a mangled copy instead.
private struct BodyCollector: ResponseBodyWriter {
    let bytes = SharedBytes()

    func write(_ buffer: ByteBuffer) async throws {
        bytes.append(buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

/// The bytes a ``BodyCollector`` gathered; a class so the copy the body writer consumes shares them.
private final class SharedBytes: Sendable {
    private let storage = Mutex<[UInt8]>([])

    var value: [UInt8] { storage.withLock { $0 } }

    func append(_ buffer: ByteBuffer) {
        storage.withLock { $0.append(contentsOf: buffer.readableBytesView) }
    }
}
