import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle

/// A server on loopback whose answers a test writes by hand: what a vendor (or a third-party
/// stand-in) may send that our own simulators never do.
enum StandInServer {
    /// Runs `test` with the server's base URL and an HTTP client; `answer` gets each request's
    /// `METHOD path` and returns the status and JSON body to send.
    static func with(
        answer: @escaping @Sendable (String) -> (Int, String),
        _ test: (String, HTTPClient) async throws -> Void
    ) async throws {
        let router = Router()
        for method in [HTTPRequest.Method.get, .post, .put, .delete] {
            router.on("**", method: method) { request, _ in
                let (status, body) = answer("\(request.method.rawValue) \(request.uri.path)")
                return Response(status: .init(code: status), headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(string: body)))
            }
        }
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let quiet = Logger(label: "stand-in", factory: { _ in SwiftLogNoOpLogHandler() })
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portSink.yield(channel.localAddress?.port ?? 0); portSink.finish() }, logger: quiet)
        let group = ServiceGroup(configuration: .init(services: [app], logger: quiet))
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            do {
                try await test("http://127.0.0.1:\(port)", http)
            } catch {
                await group.triggerGracefulShutdown()
                try? await http.shutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await http.shutdown()
        }
    }
}
