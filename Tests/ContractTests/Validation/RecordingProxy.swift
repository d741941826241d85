import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization

/// An HTTP proxy on loopback that forwards every request to `target` unchanged and records the
/// request and the answer as they crossed the wire. Exists so the contract tests see exactly what
/// a client sent and what a simulator returned, without trusting either side's own account.
final class RecordingProxy: Sendable {
    let target: String
    private let recorded = Mutex<[RecordedExchange]>([])
    private let http: HTTPClient

    init(target: String, http: HTTPClient) {
        self.target = target
        self.http = http
    }

    /// Every exchange whose path starts with `prefix`, the prefix removed (`/fedex/oauth/token` → `/oauth/token`).
    func exchanges(under prefix: String) -> [RecordedExchange] {
        recorded.withLock { $0 }.compactMap { exchange in
            guard exchange.path.hasPrefix(prefix + "/") else { return nil }
            var trimmed = exchange
            trimmed.path = String(exchange.path.dropFirst(prefix.count))
            return trimmed
        }
    }

    /// Runs `body` with the proxy's base URL (`http://127.0.0.1:PORT`), then stops the proxy.
    func withRunning<Result: Sendable>(_ body: (String) async throws -> Result) async throws -> Result {
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            responder: CallbackResponder<BasicRequestContext> { [self] request, _ in try await forward(request) },
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), serverName: "contract-proxy"),
            onServerRunning: { channel in
                if let port = channel.localAddress?.port { portContinuation.yield(port) }
                portContinuation.finish()
            },
            logger: Logger(label: "contract-proxy", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let group = ServiceGroup(configuration: .init(services: [application], logger: Logger(label: "contract-proxy", factory: { _ in SwiftLogNoOpLogHandler() })))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var ports = portStream.makeAsyncIterator()
            guard let port = await ports.next() else {
                await group.triggerGracefulShutdown()
                throw CancellationError()
            }
            do {
                let result = try await body("http://127.0.0.1:\(port)")
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }

    private func forward(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 32 * 1024 * 1024)
        let requestBytes = Array(body.readableBytesView)
        var outgoing = HTTPClientRequest(url: target + request.uri.description)
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        var requestHeaders: [(name: String, value: String)] = []
        for field in request.headers {
            requestHeaders.append((field.name.rawName, field.value))
            if ["host", "content-length", "connection", "transfer-encoding"].contains(field.name.canonicalName) { continue }
            outgoing.headers.add(name: field.name.rawName, value: field.value)
        }
        if !requestBytes.isEmpty { outgoing.body = .bytes(ByteBuffer(bytes: requestBytes)) }
        let answer = try await http.execute(outgoing, timeout: .seconds(60))
        var answerBody = try await answer.body.collect(upTo: 32 * 1024 * 1024)
        let responseBytes = answerBody.readBytes(length: answerBody.readableBytes) ?? []
        var responseHeaders: [(name: String, value: String)] = []
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            responseHeaders.append((name, value))
            if ["content-length", "connection", "transfer-encoding"].contains(name.lowercased()) { continue }
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        recorded.withLock {
            $0.append(RecordedExchange(
                method: request.method.rawValue, path: request.uri.path,
                query: RecordedExchange.parseQuery(request.uri.query ?? ""),
                requestHeaders: requestHeaders, requestBody: requestBytes,
                status: Int(answer.status.code), responseHeaders: responseHeaders, responseBody: responseBytes))
        }
        return Response(status: .init(code: Int(answer.status.code)), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: responseBytes)))
    }
}
