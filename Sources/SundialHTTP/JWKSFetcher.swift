import AsyncHTTPClient
import Foundation
import NIOCore
import Sundial

/// Fetches an authorization server's key set over HTTP(S) with AsyncHTTPClient: one GET within a
/// timeout, a 200 answer of at most 512 KiB, and how long the server lets it be cached
/// (`Cache-Control: max-age`; `no-store` / `no-cache` count as 0).
struct JWKSFetcher: Sendable {
    let url: String
    let timeout: Duration
    let client: HTTPClient

    static let maximumBytes = 512 * 1024

    init(url: String, timeout: Duration, client: HTTPClient = .shared) {
        self.url = url
        self.timeout = timeout
        self.client = client
    }

    struct Fetched: Sendable {
        let body: Data
        /// nil when the server said nothing about caching.
        let maxAge: Duration?
    }

    /// Why a fetch failed, for the warning: a status or the transport's error, never the body.
    struct Failure: Error, CustomStringConvertible, Sendable {
        let description: String
    }

    /// The whole exchange, body included, is bounded by `timeout` (AsyncHTTPClient's deadline
    /// covers the answer's head only): a server that stalls mid-body cannot hold a fetch open.
    func fetch() async throws(Failure) -> Fetched {
        do {
            return try await withThrowingTaskGroup(of: Fetched.self) { group in
                group.addTask { try await self.exchange() }
                group.addTask {
                    try await Task.sleep(for: self.timeout)
                    throw Failure(description: "no complete answer within \(self.timeout.seconds) s")
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch let failure as Failure {
            throw failure
        } catch is NIOTooManyBytesError {
            throw Failure(description: "the key set is larger than \(Self.maximumBytes) bytes")
        } catch {
            throw Failure(description: "\(error)")
        }
    }

    private func exchange() async throws -> Fetched {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/jwk-set+json, application/json")
        // The race in fetch() ends it at `timeout`; the client's own deadline is only a backstop.
        let response = try await client.execute(request, timeout: .milliseconds(Int64((timeout.seconds * 2000).rounded())))
        guard response.status == .ok else {
            throw Failure(description: "the key set answered HTTP \(response.status.code)")
        }
        let body = try await response.body.collect(upTo: Self.maximumBytes)
        return Fetched(body: Data(body.readableBytesView), maxAge: Self.maxAge(cacheControl: response.headers["Cache-Control"]))
    }

    /// `max-age` of the `Cache-Control` values; 0 for `no-store` or `no-cache`; nil without either.
    static func maxAge(cacheControl values: [String]) -> Duration? {
        let directives = values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if directives.contains(where: { $0 == "no-store" || $0 == "no-cache" }) { return .zero }
        for directive in directives where directive.hasPrefix("max-age=") {
            if let seconds = Int64(directive.dropFirst("max-age=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))), seconds >= 0 {
                return .seconds(seconds)
            }
        }
        return nil
    }
}
