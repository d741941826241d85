import Hummingbird

/// USPS v3's error body:
/// `{"apiVersion","error":{"code","message","errors":[{"status","code","title","detail","source":{"parameter","example"}}]}}`.
enum USPSError {
    static func response(
        status: HTTPResponse.Status,
        code: String,
        message: String,
        detail: String? = nil,
        parameter: String? = nil,
        headers: [String: String] = [:]
    ) -> Response {
        var item: [String: JSONValue] = [
            "status": .string(String(status.code)),
            "code": .string(code),
            "title": .string(message),
            "detail": .string(detail ?? message),
        ]
        if let parameter { item["source"] = ["parameter": .string(parameter), "example": ""] }
        return .json(
            ["apiVersion": "v3", "error": ["code": .string(String(status.code)), "message": .string(message), "errors": [.object(item)]]],
            status: status,
            headers: headers
        )
    }

    static func unauthorized(_ detail: String) -> Response {
        response(
            status: .unauthorized,
            code: "401",
            message: "Unauthorized",
            detail: detail,
            headers: ["WWW-Authenticate": "Bearer realm=\"USPS\", error=\"invalid_token\""]
        )
    }

    /// An RFC 6749 error from the OAuth endpoint.
    static func oauth(status: HTTPResponse.Status, error: String, description: String) -> Response {
        .json(["error": .string(error), "error_description": .string(description)], status: status)
    }
}
