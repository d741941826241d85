import AsyncHTTPClient
import Foundation
import Sandbox
import Synchronization
import Testing

/// A response read completely, with helpers to look into its JSON.
struct HTTPResult: Sendable {
    let status: Int
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object (`[:]` when it is not one).
    var json: [String: Any] {
        ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]) ?? [:]
    }
}

/// Reads nested JSON: `value(json, "error", "code")`, array indexes as Int.
func value(_ root: Any?, _ path: Any...) -> Any? {
    var current = root
    for step in path {
        if let key = step as? String {
            current = (current as? [String: Any])?[key]
        } else if let index = step as? Int {
            guard let array = current as? [Any], array.indices.contains(index) else { return nil }
            current = array[index]
        }
    }
    return current
}

func string(_ root: Any?, _ path: Any...) -> String? {
    var current = root
    for step in path { current = value(current, step) }
    return current as? String
}

/// The HTTP methods the tests use (kept local so tests need not import NIOHTTP1).
enum Method: Sendable {
    case GET, POST, PUT, DELETE
}

/// Talks to one running sandbox over real HTTP on loopback.
struct SandboxClient: Sendable {
    let http: HTTPClient
    let port: Int

    func send(
        _ method: Method,
        _ path: String,
        headers: [String: String] = [:],
        body: [UInt8]? = nil,
        timeout: Duration = .seconds(10)
    ) async throws -> HTTPResult {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        switch method {
        case .GET: request.method = .GET
        case .POST: request.method = .POST
        case .PUT: request.method = .PUT
        case .DELETE: request.method = .DELETE
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(body) }
        let (seconds, attoseconds) = timeout.components
        let response = try await http.execute(request, timeout: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
        let buffer = try await response.body.collect(upTo: 4 << 20)
        return HTTPResult(
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name, $0.value) },
            body: Array(buffer.readableBytesView)
        )
    }

    func form(_ path: String, _ fields: [(String, String)], headers: [String: String] = [:]) async throws -> HTTPResult {
        var all = headers
        all["Content-Type"] = "application/x-www-form-urlencoded"
        return try await send(.POST, path, headers: all, body: Array(formEncode(fields).utf8))
    }

    func json(_ path: String, _ object: Any, headers: [String: String] = [:]) async throws -> HTTPResult {
        try await json(.POST, path, object, headers: headers)
    }

    func json(_ method: Method, _ path: String, _ object: Any, headers: [String: String] = [:]) async throws -> HTTPResult {
        var all = headers
        all["Content-Type"] = "application/json"
        return try await send(method, path, headers: all, body: Array(try JSONSerialization.data(withJSONObject: object)))
    }
}

func formEncode(_ fields: [(String, String)]) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return fields.map { name, value in
        "\(name.addingPercentEncoding(withAllowedCharacters: allowed)!)=\(value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
    }.joined(separator: "&")
}

func basicAuth(_ user: String, _ password: String) -> String {
    "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
}

/// Starts a sandbox on an ephemeral loopback port, gives the test a client, and shuts both down.
func withSandbox<Result: Sendable>(
    _ configuration: SandboxConfiguration = SandboxConfiguration(),
    _ body: (SandboxServer, SandboxClient) async throws -> Result
) async throws -> Result {
    try await SandboxServer.withRunning(configuration) { server, port in
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        do {
            let result = try await body(server, SandboxClient(http: http, port: port))
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }
}

let stripeKey = "sk_test_sundialsandbox"
let stripeAuth = ["Authorization": "Bearer \(stripeKey)"]

/// A sandbox clock a test can move forward, so time-based behaviour shows without waiting.
final class MovableClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)
    var clock: SandboxClock { SandboxClock { [self] in Date().addingTimeInterval(self.offset.withLock { $0 }) } }
    func advance(seconds: TimeInterval) { offset.withLock { $0 += seconds } }
}
