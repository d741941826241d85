import Foundation
import Hummingbird
import NIOCore

/// Reads a request body that must be JSON, refusing it before parsing with the status a client
/// can act on: 415 for another content type, 413 past the size limit, 400 for bytes that are not
/// UTF-8. Returns the raw bytes, which webhook signatures are computed over.
enum JSONRequestBody {
    /// The most any JSON body of the intake API may carry.
    static let defaultLimit = 64 * 1024

    static func read(_ request: Request, limit: Int = defaultLimit) async throws -> Data {
        guard isJSON(request.headers[.contentType]) else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type",
                           message: "the body must be JSON (Content-Type: application/json)")
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw tooLarge(limit)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw tooLarge(limit)
        }
        let data = Data(buffer.readableBytesView)
        guard String(bytes: data, encoding: .utf8) != nil else {
            throw APIError.badRequest("malformed_json", "the body is not valid UTF-8")
        }
        return data
    }

    /// `application/json`, with or without parameters, or any `+json` type; case-insensitive.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map(String.init)?
            .trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }

    private static func tooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "body_too_large", message: "the body is larger than \(limit / 1024) KiB")
    }
}
