import Foundation
import Hummingbird

/// JSON bodies for every HTTP surface: success payloads and the `{"error": {...}}` shape that
/// every 4xx and 5xx answer carries.
enum JSONResponse {
    static func make(_ object: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: Array(data))))
    }

    static func error(_ status: HTTPResponse.Status, code: String, message: String) -> Response {
        make(["error": ["code": code, "message": message]], status: status)
    }
}
