import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
@testable import SundialEngine
@testable import SundialHTTP
import Testing

/// What a caller reads while the database link is down (a failover, a restart): a 503 it may
/// retry, not a 500 that reads as a verdict.
@Suite("Answers while the database link is lost")
struct LinkFailureAnswerTests {
    @Test("a lost database link answers 503 database_unavailable with Retry-After; any other failure stays a 500")
    func lostLinkIs503() async throws {
        let router = Router()
        router.add(middleware: RequestOutcomeMiddleware(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })))
        router.get("/lost") { _, _ -> String in throw LostStatementGuard.ConnectionLost() }
        router.get("/broken") { _, _ -> String in throw CocoaError(.featureUnsupported) }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/lost", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "1")
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: [String: Any]]
                #expect(body?["error"]?["code"] as? String == "database_unavailable")
            }
            try await client.execute(uri: "/broken", method: .get) { response in
                #expect(response.status == .internalServerError)
            }
        }
        #expect(LinkFailure.matches(LostStatementGuard.ConnectionLost()))
        #expect(!LinkFailure.matches(CocoaError(.featureUnsupported)))
    }
}
