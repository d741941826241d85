import Hummingbird

extension Router where Context == BasicRequestContext {
    /// Answers the common methods a path does not serve with a JSON 405 and an `Allow` header,
    /// where Hummingbird alone would answer 404 (its router matches path and method together).
    func refuseOtherMethods(_ path: RouterPath, allowed: [HTTPRequest.Method]) {
        let allow = allowed.map(\.rawValue).joined(separator: ", ")
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] where !allowed.contains(method) {
            on(path, method: method) { request, _ -> Response in
                var headers = HTTPFields()
                headers[.allow] = allow
                throw APIError(.methodNotAllowed, code: "method_not_allowed",
                               message: "\(request.method.rawValue) is not allowed here (allowed: \(allow))", headers: headers)
            }
        }
    }
}
