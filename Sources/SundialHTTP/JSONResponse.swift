import Foundation
import Hummingbird

/// JSON bodies for every HTTP surface: success payloads and the `{"error": {...}}` shape that
/// every 4xx and 5xx answer carries.
enum JSONResponse {
    static func make(_ object: [String: Any], status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return make(data: data, status: status, headers: extra)
    }

    static func error(_ status: HTTPResponse.Status, code: String, message: String) -> Response {
        make(["error": ["code": code, "message": message]], status: status)
    }

    private static func make(data: Data, status: HTTPResponse.Status, headers extra: HTTPFields) -> Response {
        var headers = extra
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: Array(data))))
    }
}
