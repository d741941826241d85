import AsyncHTTPClient
import Foundation
import Integrations
import Sandbox
import Testing

/// A sandbox with a ``RecordingProxy`` in front: clients are pointed at the proxy, so every
/// request they send and every answer the simulators give is recorded on the wire.
struct RecordedSandbox: Sendable {
    let server: SandboxServer
    let http: HTTPClient
    let proxy: RecordingProxy
    /// The proxy's base URL (`http://127.0.0.1:PORT`).
    let proxyURL: String

    /// The base URL a client of `api` uses: the proxy, then the sandbox's prefix for that API.
    func baseURL(for api: SandboxAPI) -> String { proxyURL + api.pathPrefix }

    /// What crossed the wire for `api`, with the sandbox's prefix removed from each path.
    func exchanges(_ api: SandboxAPI) -> [RecordedExchange] { proxy.exchanges(under: api.pathPrefix) }

    /// Runs `body` against a fresh sandbox behind a fresh proxy and shuts everything down.
    static func with<Result: Sendable>(
        _ configuration: SandboxConfiguration = SandboxConfiguration(),
        _ body: (RecordedSandbox) async throws -> Result
    ) async throws -> Result {
        try await SandboxServer.withRunning(configuration) { server, port in
            let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
            let proxy = RecordingProxy(target: "http://127.0.0.1:\(port)", http: http)
            do {
                let result = try await proxy.withRunning { url in
                    try await body(RecordedSandbox(server: server, http: http, proxy: proxy, proxyURL: url))
                }
                try await http.shutdown()
                return result
            } catch {
                try? await http.shutdown()
                throw error
            }
        }
    }
}

extension RecordedSandbox {
    /// Runs `scenario` and returns what crossed the wire for `api`, also when the scenario
    /// stopped on an error (recorded as a test issue): a client that drops a required field is
    /// refused by the simulator, and the contract check must still name the field.
    static func record(
        _ api: SandboxAPI, _ configuration: SandboxConfiguration = SandboxConfiguration(),
        sourceLocation: SourceLocation = #_sourceLocation,
        _ scenario: (RecordedSandbox) async throws -> Void
    ) async throws -> [RecordedExchange] {
        try await with(configuration) { sandbox in
            do {
                try await scenario(sandbox)
            } catch {
                Issue.record("the \(api) scenario stopped: \(error)", sourceLocation: sourceLocation)
            }
            return sandbox.exchanges(api)
        }
    }
}

/// Runs a client call whose failure is part of the scenario (a decline, an injected 503) and
/// returns its error, so the recorded exchange is checked whatever the client made of it.
@discardableResult
func outcome<T>(_ call: () async throws -> T) async -> Result<T, any Error> {
    do { return .success(try await call()) } catch { return .failure(error) }
}

extension ContractChecker {
    /// Checks every exchange and records one test issue per broken rule, naming the field and
    /// the document's rule; then checks that each operation in `covering` was exercised, so a
    /// scenario that silently stopped calling an operation cannot pass by checking nothing.
    func expectConformance(
        _ exchanges: [RecordedExchange], covering expected: Set<String>,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(!exchanges.isEmpty, "no \(vendor) exchange was recorded", sourceLocation: sourceLocation)
        var seen: Set<String> = []
        for result in exchanges.map(check) {
            if let operation = result.operation { seen.insert(operation) }
            for violation in result.violations {
                Issue.record("\(vendor) \(result.exchange): \(violation)", sourceLocation: sourceLocation)
            }
        }
        let missing = expected.subtracting(seen)
        #expect(missing.isEmpty, "\(vendor): operations never exercised: \(missing.sorted()); seen: \(seen.sorted())", sourceLocation: sourceLocation)
    }

    /// The violations of every exchange, for tests that expect some.
    func violations(_ exchanges: [RecordedExchange]) -> [Violation] {
        exchanges.flatMap { check($0).violations }
    }
}

extension ContractChecker {
    /// For every recorded request body: removing any one required member it carries makes the
    /// validator report that member as required. Proves that a client which stops sending a
    /// required field fails the contract test with a message naming the field. Returns how many
    /// removals were tried (a scenario must try some).
    @discardableResult
    func expectRequiredFieldsEnforced(_ exchanges: [RecordedExchange], sourceLocation: SourceLocation = #_sourceLocation) -> Int {
        var tried = 0
        for exchange in exchanges {
            guard let (body, schema, validator, document) = requestBody(of: exchange) else { continue }
            for path in RequiredFieldMutations.requiredPaths(in: body, schema: schema, document: document, validator: validator) {
                tried += 1
                let mutated = RequiredFieldMutations.removing(path, from: body)
                let name = RequiredFieldMutations.rendered(path)
                let found = validator.validate(mutated, against: schema, part: "request body", rule: "")
                #expect(found.contains { $0.description.contains(name) && $0.description.contains("is required") },
                        "\(vendor) \(exchange): removing \(name) was not reported; found \(found)", sourceLocation: sourceLocation)
            }
        }
        return tried
    }
}
