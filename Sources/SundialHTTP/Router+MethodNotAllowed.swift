import Hummingbird

extension Router where Context == BasicRequestContext {
    /// QUERY (a safe method with a body, in the IETF's httpbis drafts), which HTTPTypes does not name.
    static var query: HTTPRequest.Method { HTTPRequest.Method("QUERY")! }

    /// Answers the common methods a path does not serve with a JSON 405 and an `Allow` header,
    /// where Hummingbird alone would answer 404 (its router matches path and method together).
    /// HEAD is left to Hummingbird where GET is served (it answers HEAD from the GET route).
    func refuseOtherMethods(_ path: RouterPath, allowed: [HTTPRequest.Method]) {
        let allow = allowed.map(\.rawValue).joined(separator: ", ")
        let common: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options, .trace, Self.query]
        for method in common where !allowed.contains(method) && !(method == .head && allowed.contains(.get)) {
            on(path, method: method) { request, _ -> Response in
                var headers = HTTPFields()
                headers[.allow] = allow
                throw APIError(.methodNotAllowed, code: "method_not_allowed",
                               message: "\(request.method.rawValue) is not allowed here (allowed: \(allow))", headers: headers)
            }
        }
    }
}
