import Foundation
import HTTPTypes
import PostgresNIO
import Prometheus
import SundialEngine
import SundialHTTP
import Testing

/// Admin tokens, a started order workflow and JSON checks for the admin API tests.
extension IntakeHarness {
    /// A new token of `role` named after it.
    func adminToken(_ role: AdminRole, name: String? = nil) async throws -> String {
        let secret = AdminTokenSecret.generate()
        let created = try await workflows.store.createAdminToken(name: name ?? "\(role.rawValue)-token", role: role, secret: secret)
        #expect(created)
        return secret
    }

    /// An `order` probe workflow (it stays in its first state, awaiting `payment`).
    func startOrder(_ id: String) async throws -> UUID {
        try await workflows.start(type: "order", key: id, input: Data(Orders.body(id: id).utf8)).id
    }

    /// The first column of the first row of `sql`, as text (nil for none or NULL).
    func text(_ sql: String) async throws -> String? {
        let rows = try await postgres.query(PostgresQuery(unsafeSQL: "SELECT (\(sql))::text"), logger: logger)
        for try await value in rows.decode(String?.self) { return value }
        return nil
    }

    /// Sets columns of a workflow row directly, to put it in the state a test needs.
    func setWorkflow(_ id: UUID, _ assignments: String) async throws {
        try await execute("UPDATE workflows SET \(assignments) WHERE id = '\(id.uuidString.lowercased())'")
    }

    /// The admin operations the router serves.
    var adminOperations: [(method: String, path: String)] {
        SundialServer(host: "127.0.0.1", port: 0, client: postgres, store: workflows.store, registry: PrometheusCollectorRegistry(),
                      logger: logger, workflows: workflows).adminOperations
    }
}

extension IntakeHarness.Answer {
    var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:] }
}

extension IntakeHarness {
    /// Records an issue for every way `answer` departs from what the served OpenAPI document
    /// says `method path` answers with its status.
    func expectDocumented(_ answer: Answer, _ method: String, _ path: String,
                          sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let document = try await send(.get, "/admin/v1/openapi.json", contentType: nil)
        let spec = try OpenAPIValidator(document.text)
        let body = try JSONSerialization.jsonObject(with: Data(answer.text.utf8))
        let problems = spec.problems(method: method, path: path, status: answer.status.code, body: body)
        #expect(problems.isEmpty, "\(method) \(path) \(answer.status.code): \(problems)", sourceLocation: sourceLocation)
    }
}
