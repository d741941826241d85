import Hummingbird

/// Enforces `USPSQuota` in front of every USPS route: 429 with `Retry-After` and USPS's error body.
struct USPSQuotaMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext

    let quota: USPSQuota

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let retryAfter = quota.consume() {
            return USPSError.response(
                status: .tooManyRequests,
                code: "429",
                message: "Too Many Requests",
                detail: "The hourly request quota of \(quota.limit ?? 0) for this application has been exceeded.",
                headers: ["Retry-After": String(retryAfter)]
            )
        }
        return try await next(request, context)
    }
}
