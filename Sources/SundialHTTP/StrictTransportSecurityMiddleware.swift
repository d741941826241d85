import Hummingbird

/// `Strict-Transport-Security` on every answer when the server terminates TLS itself: a browser
/// that has once reached the dashboard over HTTPS never again sends its session cookie over
/// plain HTTP to this host, even when a link or a typed address says `http://`. One year, this
/// host only (subdomains may be served by something else). Behind a TLS-terminating proxy, the
/// proxy sends it.
struct StrictTransportSecurityMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    static let value = "max-age=31536000"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.strictTransportSecurity] = Self.value
        return response
    }
}
