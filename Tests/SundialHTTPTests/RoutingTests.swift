import Foundation
import HTTPTypes
import Testing

@Suite("Routing answers")
struct RoutingTests {
    @Test("an unknown route is a JSON 404; a wrong method a JSON 405 with Allow")
    func fallbacks() async throws {
        try await IntakeHarness.with { h in
            let missing = try await h.send(.get, "/nothing/here", contentType: nil)
            #expect(missing.status == .notFound)
            #expect(missing.isJSON)
            #expect(missing.errorCode == "not_found")

            let wrongMethod = try await h.send(.get, "/webhooks/stripe", contentType: nil)
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.isJSON)
            #expect(wrongMethod.headers[.allow] == "POST")

            let delete = try await h.send(.delete, "/api/v1/orders/SO-1", contentType: nil)
            #expect(delete.status == .methodNotAllowed)
            #expect(delete.headers[.allow] == "GET")

            #expect(try await h.send(.get, "/health/live", contentType: nil).status == .ok)
            #expect(try await h.send(.post, "/health/live", contentType: nil).status == .methodNotAllowed)

            // Found by ops/fuzz: TRACE and OPTIONS fell through to the router's 404. HEAD is
            // answered from GET where GET is served, and refused where it is not.
            for (method, path) in [(HTTPRequest.Method.trace, "/admin/v1/workflows"), (.options, "/api/v1/orders"),
                                   (.trace, "/health/ready"), (.head, "/webhooks/stripe"), (.options, "/admin/v1/openapi.json"),
                                   (HTTPRequest.Method("QUERY")!, "/admin/v1/audit")] {
                let answer = try await h.send(method, path, contentType: nil)
                #expect(answer.status == .methodNotAllowed && answer.headers[.allow] != nil, "\(method) \(path): \(answer.status)")
                if method != .head { #expect(answer.isJSON && answer.errorCode == "method_not_allowed", "\(method) \(path)") }
            }
            #expect(try await h.send(.head, "/health/live", contentType: nil).status == .ok)
        }
    }
}
