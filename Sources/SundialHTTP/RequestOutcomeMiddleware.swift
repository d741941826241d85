import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SundialEngine

/// Gives every request its final answer and one access-log line. Errors thrown by routes become
/// their JSON answer (``APIError`` as is; Hummingbird's 404 for an unknown route and other
/// `HTTPError`s in the same `{"error": {...}}` shape; a lost database link 503
/// `database_unavailable` with `Retry-After: 1`; anything else a logged 500 that tells the
/// caller nothing internal). Every answer carries `X-Request-Id` (the caller's, when well
/// formed, else a new one). The log line names the request id, who called (the authenticated
/// client id or token name, recorded through ``RequestIdentity``), method, path, status, error
/// code and milliseconds — never headers, query strings or bodies, which carry tokens,
/// signatures and customer data.
struct RequestOutcomeMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    static let requestIDHeader = HTTPField.Name("X-Request-Id")!

    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let identity = RequestIdentity(requestID: RequestIdentity.requestID(fromHeader: request.headers[Self.requestIDHeader]))
        var response: Response
        var code: String?
        do {
            response = try await RequestIdentity.$current.withValue(identity) { try await next(request, context) }
        } catch let error as APIError {
            code = error.code
            response = try error.response(from: request, context: context)
        } catch let error as HTTPError {
            let rendered = Self.render(error, request: request)
            code = rendered.code
            response = try rendered.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            let rendered = APIError(error.status, code: "request_refused", message: error.status.reasonPhrase)
            code = rendered.code
            response = try rendered.response(from: request, context: context)
        } catch where LinkFailure.matches(error) {
            // The database link is down for a moment (a failover, a restart): the request may be
            // retried as it is; a start's idempotency key makes the retry safe.
            logger.warning("request failed: database link lost", metadata: [
                "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "error": "\(ErrorDescription.describe(error))",
                "request_id": "\(identity.requestID)",
            ])
            let rendered = APIError(.serviceUnavailable, code: "database_unavailable",
                                    message: "the database link was lost; retry the request", headers: [.retryAfter: "1"])
            code = rendered.code
            response = try rendered.response(from: request, context: context)
        } catch {
            logger.error("request failed", metadata: [
                "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "error": "\(String(reflecting: error))",
                "request_id": "\(identity.requestID)",
            ])
            let rendered = APIError(.internalServerError, code: "internal_error", message: "the server failed to answer; see its log")
            code = rendered.code
            response = try rendered.response(from: request, context: context)
        }
        let elapsed = ContinuousClock.now - started
        var metadata: Logger.Metadata = [
            "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "status": "\(response.status.code)",
            "ms": "\(((Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15) * 10).rounded() / 10)",
        ]
        metadata["request_id"] = "\(identity.requestID)"
        if let who = identity.who { metadata["client"] = "\(who)" }
        if let code { metadata["error"] = "\(code)" }
        response.headers[Self.requestIDHeader] = identity.requestID
        logger.log(level: response.status.code >= 500 ? .warning : .info, "request", metadata: metadata)
        return response
    }

    /// Hummingbird's own refusals (an unknown route, a body too large) in the API's JSON shape.
    static func render(_ error: HTTPError, request: Request) -> APIError {
        switch error.status {
        case .notFound:
            return APIError(.notFound, code: "not_found", message: "no route \(request.method.rawValue) \(request.uri.path)", headers: error.headers)
        case .contentTooLarge:
            return APIError(.contentTooLarge, code: "body_too_large", message: "the body is too large", headers: error.headers)
        default:
            let code = error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
            return APIError(error.status, code: code.isEmpty ? "request_refused" : code,
                            message: error.body ?? error.status.reasonPhrase, headers: error.headers)
        }
    }
}
