import Foundation
import Hummingbird
import NIOCore

/// The server-wide cap on request bodies (`SUNDIAL_HTTP_MAX_BODY_BYTES`), in front of every
/// route: a declared `Content-Length` over the cap is refused at once, and a body without one
/// (chunked) is read up to the cap and refused past it, with `413` and a JSON body. Routes keep
/// their own, smaller limits (the intake's 64 KiB); this one protects the routes that have none.
struct RequestSizeLimitMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    let maxBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let declared = request.headers[.contentLength] {
            guard let length = Int(declared), length >= 0 else {
                throw APIError.badRequest("bad_content_length", "Content-Length is not a number")
            }
            guard length <= maxBytes else { throw tooLarge }
            return try await next(request, context)
        }
        guard request.headers[.transferEncoding] != nil else { return try await next(request, context) }
        var request = request
        do {
            let buffer = try await request.body.collect(upTo: maxBytes)
            request.body = RequestBody(buffer: buffer)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
        return try await next(request, context)
    }

    private var tooLarge: APIError {
        APIError(.contentTooLarge, code: "body_too_large", message: "the body is larger than the server's limit of \(maxBytes) bytes",
                 details: ["limit_bytes": "\(maxBytes)"])
    }
}
