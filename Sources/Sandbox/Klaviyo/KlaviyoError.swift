import Foundation
import Hummingbird

/// Klaviyo's JSON:API error documents (`{"errors": [{"id", "status", "code", "title", "detail",
/// "source": {"pointer"}}]}`), so the client parses simulated refusals exactly as real ones.
enum KlaviyoError {
    static func response(status: HTTPResponse.Status, code: String, title: String, detail: String, pointer: String? = nil,
                         headers: [String: String] = [:]) -> Response {
        var error: [String: JSONValue] = [
            "id": .string(UUID().uuidString.lowercased()), "status": .int(status.code), "code": .string(code),
            "title": .string(title), "detail": .string(detail),
        ]
        if let pointer { error["source"] = ["pointer": .string(pointer)] }
        return .jsonAPI(["errors": .array([.object(error)])], status: status, headers: headers)
    }

    static func notAuthenticated() -> Response {
        response(status: .unauthorized, code: "not_authenticated", title: "Authentication credentials were not provided.",
                 detail: "Missing or invalid private key.")
    }

    static func authenticationFailed() -> Response {
        response(status: .unauthorized, code: "authentication_failed", title: "Incorrect authentication credentials.",
                 detail: "Incorrect authentication credentials.")
    }

    static func throttled(retryAfterSeconds: Int) -> Response {
        response(status: .tooManyRequests, code: "throttled", title: "Request was throttled.",
                 detail: "Request was throttled. Expected available in \(retryAfterSeconds) second\(retryAfterSeconds == 1 ? "" : "s").",
                 headers: retryAfterSeconds > 0 ? ["Retry-After": String(retryAfterSeconds)] : [:])
    }

    static func invalid(_ detail: String, pointer: String? = nil) -> Response {
        response(status: .badRequest, code: "invalid", title: "Invalid input.", detail: detail, pointer: pointer)
    }
}
