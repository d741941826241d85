import Foundation
import Hummingbird

/// The server-wide cap on request bodies (`SUNDIAL_HTTP_MAX_BODY_BYTES`) as the routes see it,
/// in front of routing and authentication: a declared `Content-Length` over the cap is refused at
/// once, and a body that crosses the cap while a route reads it (``RequestBodyCapHandler`` fails
/// the stream where the bytes arrive) is refused too, both with `413` and a JSON body. Nothing is
/// buffered here: a body without a declared length streams to its route, which reads it within
/// its own, smaller limit (the intake's 64 KiB). Exists so every route answers an oversized body
/// the same way.
struct RequestSizeLimitMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    let maxBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let declared = request.headers[.contentLength] {
            guard let length = Int(declared), length >= 0 else {
                throw APIError.badRequest("bad_content_length", "Content-Length is not a number")
            }
            guard length <= maxBytes else { throw tooLarge }
        }
        do {
            return try await next(request, context)
        } catch is RequestBodyTooLarge {
            throw tooLarge
        }
    }

    private var tooLarge: APIError {
        APIError(.contentTooLarge, code: "body_too_large", message: "the body is larger than the server's limit of \(maxBytes) bytes",
                 details: ["limit_bytes": "\(maxBytes)"])
    }
}
