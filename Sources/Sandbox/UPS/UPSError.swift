import Hummingbird

/// UPS's single error shape for every API: `{"response":{"errors":[{"code","message"}]}}`.
enum UPSError {
    static func response(status: HTTPResponse.Status, code: String, message: String) -> Response {
        .json(["response": ["errors": [["code": .string(code), "message": .string(message)]]]], status: status)
    }

    /// 250002: the token is expired, invalid, or the app lacks the product.
    static func invalidAuthentication() -> Response {
        response(status: .unauthorized, code: "250002", message: "Invalid Authentication Information.")
    }

    /// Missing required fields. The real code depends on the field; the sandbox uses one code.
    static func missing(_ field: String) -> Response {
        response(status: .badRequest, code: "120100", message: "Missing or invalid \(field)")
    }
}
