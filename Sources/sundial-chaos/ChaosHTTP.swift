import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The few HTTP calls the chaos run makes (intake API, webhooks, sandbox control), with the
/// status and body handed back as they are.
struct ChaosHTTP: Sendable {
    let client: HTTPClient

    struct Answer: Sendable {
        let status: Int
        let body: Data
        var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }
    }

    func send(_ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: Data? = nil,
              timeout: Duration = .seconds(30)) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: Array(body)))
        }
        let response = try await client.execute(request, timeout: .seconds(Int64(timeout.components.seconds)))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Answer(status: Int(response.status.code), body: Data(buffer: bytes))
    }

    /// GET and decode a JSON body.
    func get<T: Decodable>(_ type: T.Type, _ url: String) async throws -> T {
        let answer = try await send(.GET, url)
        guard answer.status == 200 else { throw ChaosFailure("GET \(url) answered \(answer.status)") }
        return try JSONDecoder().decode(T.self, from: answer.body)
    }
}

/// A chaos run could not go on (a service did not start, a call failed for good).
struct ChaosFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
