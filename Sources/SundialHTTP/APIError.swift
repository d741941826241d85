import Foundation
import Hummingbird

/// A refusal any route can throw: the status, a stable machine-readable code, a message for a
/// person, and optional members (`fields`, `reason`) that join the `{"error": {...}}` body. One
/// type, so every route fails in the same JSON shape and the error middleware renders it.
public struct APIError: Error, HTTPResponseError, CustomStringConvertible, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Problems keyed by field path (`items[0].quantity`), for validation refusals.
    public var fields: [String: String]?
    /// Further string members of the error object (`reason` of a refused cancel).
    public var details: [String: String]
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, fields: [String: String]? = nil,
                details: [String: String] = [:], headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.details = details
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    /// The JSON body: `{"error": {"code", "message", "fields"?, ...details}}`.
    var body: [String: Any] {
        var error: [String: Any] = ["code": code, "message": message]
        for (key, value) in details { error[key] = value }
        if let fields { error["fields"] = fields }
        return ["error": error]
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONResponse.make(body, status: status, headers: headers)
    }
}

extension APIError {
    static func badRequest(_ code: String, _ message: String) -> APIError { APIError(.badRequest, code: code, message: message) }

    static func notFound(_ code: String, _ message: String) -> APIError { APIError(.notFound, code: code, message: message) }

    static func conflict(_ code: String, _ message: String, details: [String: String] = [:]) -> APIError {
        APIError(.conflict, code: code, message: message, details: details)
    }

    static func unprocessable(_ code: String, _ message: String, fields: [String: String]) -> APIError {
        APIError(.unprocessableContent, code: code, message: message, fields: fields)
    }

    static func unavailable(_ code: String, _ message: String) -> APIError {
        APIError(.serviceUnavailable, code: code, message: message)
    }
}
