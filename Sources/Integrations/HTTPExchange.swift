import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP request and its fully read response over an injected `HTTPClient`. Exists so every
/// client sends requests the same way (timeout, body size cap) and sees transport failures as
/// one ``TransportFailure`` it can classify as retryable.
struct HTTPExchange: Sendable {
    let client: HTTPClient
    let timeout: Duration
    /// Largest response body read (label images are the biggest: a few hundred KB).
    static let maxBodyBytes = 16 * 1024 * 1024

    /// A response read completely.
    struct Response: Sendable {
        let status: Int
        let headers: HTTPHeaders
        let body: [UInt8]

        func header(_ name: String) -> String? { headers.first(name: name) }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Sends the request; throws ``TransportFailure`` when no HTTP response arrived.
    func send(method: HTTPMethod, url: String, headers: [(String, String)], body: [UInt8]? = nil) async throws(TransportFailure) -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(nanoseconds))
            var buffer = try await response.body.collect(upTo: Self.maxBodyBytes)
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            return Response(status: Int(response.status.code), headers: response.headers, body: bytes)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw TransportFailure(message: "timed out after \(timeout) (\(method.rawValue) \(Self.path(of: url)))", isTimeout: true)
        } catch is CancellationError {
            throw TransportFailure(message: "cancelled (\(method.rawValue) \(Self.path(of: url)))", isTimeout: false)
        } catch {
            throw TransportFailure(message: "\(error) (\(method.rawValue) \(Self.path(of: url)))", isTimeout: false)
        }
    }

    /// The path of a URL without its query, which may carry identifiers but never secrets here.
    static func path(of url: String) -> String {
        guard let components = URLComponents(string: url) else { return url }
        return components.path
    }
}
