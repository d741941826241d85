import Foundation
import Hummingbird

/// Builders for the simulators' answers: JSON documents, raw bytes, and the extra headers
/// (`Retry-After`, `WWW-Authenticate`, request ids) the real APIs attach.
extension Response {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers extra: [String: String] = [:]) -> Response {
        bytes(value.serialized(), contentType: "application/json", status: status, headers: extra)
    }

    /// A JSON:API document (`application/vnd.api+json`), as Klaviyo answers.
    static func jsonAPI(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers extra: [String: String] = [:]) -> Response {
        bytes(value.serialized(), contentType: "application/vnd.api+json", status: status, headers: extra)
    }

    static func bytes(
        _ bytes: [UInt8],
        contentType: String,
        status: HTTPResponse.Status = .ok,
        headers extra: [String: String] = [:]
    ) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = contentType
        for (name, value) in extra.sorted(by: { $0.key < $1.key }) {
            if let fieldName = HTTPFields.Element.Name(name) { fields[fieldName] = value }
        }
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    func header(_ name: String) -> String? {
        guard let fieldName = HTTPFields.Element.Name(name) else { return nil }
        return headers[fieldName]
    }
}
