import Foundation
import Hummingbird
import Logging
import Sundial
import SundialEngine
import Workflows

/// The order intake API of INT-001, for the e-commerce platform: submit an order (which starts
/// its `order` workflow, idempotently on the order id), read where it stands, and ask to cancel
/// it. Every route needs a bearer token with `orders:write` (POST) or `orders:read` (GET), except
/// the API's OpenAPI document (``IntakeOpenAPI``, `GET /api/v1/openapi.json`).
struct OrderRoutes: Sendable {
    /// The workflow type orders start, keyed by order id.
    static let workflowType = "order"
    static let writeScope = "orders:write"
    static let readScope = "orders:read"

    let workflows: WorkflowClient
    let authentication: BearerAuthentication
    let logger: Logger
    /// Per-client rate limit, checked right after the token (before the body is read).
    var rateLimiter: IntakeRateLimiter? = nil

    func register(on router: Router<BasicRequestContext>) {
        router.post("/api/v1/orders") { request, _ in try await submit(request) }
        router.get("/api/v1/orders/{order_id}") { request, context in
            try await show(request, orderID: try context.parameters.require("order_id"))
        }
        router.post("/api/v1/orders/{order_id}/cancel") { request, context in
            try await cancel(request, orderID: try context.parameters.require("order_id"))
        }
        router.get(RouterPath(IntakeOpenAPI.path)) { _, _ in IntakeOpenAPI.response() }
        router.refuseOtherMethods(RouterPath(IntakeOpenAPI.path), allowed: [.get])
        router.refuseOtherMethods("/api/v1/orders", allowed: [.post])
        router.refuseOtherMethods("/api/v1/orders/{order_id}", allowed: [.get])
        router.refuseOtherMethods("/api/v1/orders/{order_id}/cancel", allowed: [.post])
    }

    /// `POST /api/v1/orders`: 201 when the workflow is created, 200 for the same order sent
    /// again, 409 for the same order id with a different body, 422 naming every bad field.
    func submit(_ request: Request) async throws -> Response {
        let client = try await authentication.authorize(request, scope: Self.writeScope)
        try rateLimiter?.admit(client)
        let body = try await JSONRequestBody.read(request)
        let order: OrderInput
        switch try OrderInputParser.parse(body) {
        case .valid(let parsed): order = parsed
        case .invalid(let problems):
            throw APIError.unprocessable("invalid_order", Self.summary(problems), fields: problems)
        }
        let started: StartedWorkflow
        do {
            started = try await workflows.start(type: Self.workflowType, key: order.orderID, input: try JSONEncoder.sundial.encode(order))
        } catch StoreError.conflictingInput(_, _, let existingID) {
            throw APIError.conflict("order_conflict",
                                    "order \(order.orderID) was already submitted with a different body",
                                    details: ["workflow_id": existingID.uuidString.lowercased()])
        } catch let error as InputError {
            throw APIError.unprocessable("invalid_order", Self.summary(error.fields), fields: error.fields)
        } catch StoreError.unknownType {
            throw APIError.unavailable("order_workflow_unavailable", "this server cannot start order workflows")
        }
        let status = started.created ? "received" : try await currentStatus(started.id)
        logger.info(started.created ? "order accepted" : "order resubmitted", metadata: [
            "order_id": "\(order.orderID)", "workflow_id": "\(started.id.uuidString.lowercased())", "client_id": "\(client.clientID)",
        ])
        var headers = HTTPFields()
        headers[.location] = "/api/v1/orders/\(order.orderID)"
        return JSONResponse.make(
            ["order_id": order.orderID, "workflow_id": started.id.uuidString.lowercased(), "status": status],
            status: started.created ? .created : .ok, headers: headers)
    }

    /// `GET /api/v1/orders/{order_id}`: the order's ``OrderView``.
    func show(_ request: Request, orderID: String) async throws -> Response {
        let client = try await authentication.authorize(request, scope: Self.readScope)
        try rateLimiter?.admit(client)
        let snapshot = try await find(orderID)
        // Foundation writes UUIDs in upper case; every other answer of the API uses lower case.
        var view = try JSONSerialization.jsonObject(with: try JSONEncoder.sundial.encode(try Self.view(of: snapshot))) as? [String: Any] ?? [:]
        view["workflow_id"] = snapshot.id.uuidString.lowercased()
        return JSONResponse.make(view)
    }

    /// `POST /api/v1/orders/{order_id}/cancel` with `{"reason": "..."}`: 202 once the cancel is
    /// recorded (the worker runs the compensations), 409 when the order refuses it or has ended.
    func cancel(_ request: Request, orderID: String) async throws -> Response {
        let client = try await authentication.authorize(request, scope: Self.writeScope)
        try rateLimiter?.admit(client)
        let body = try await JSONRequestBody.read(request, limit: 8 * 1024)
        let reason = try Self.cancelReason(body)
        let snapshot = try await find(orderID)
        do {
            try await workflows.cancel(snapshot.id, reason: reason, actor: "api:\(client.clientID)")
        } catch StoreError.cancelRefused(_, let why) {
            throw APIError.conflict("cancel_refused", "order \(orderID) cannot be cancelled: \(why)", details: ["reason": why])
        } catch StoreError.invalidStatus(_, let status, _, _) {
            throw APIError.conflict("order_finished", "order \(orderID) cannot be cancelled: its workflow is \(status)",
                                    details: ["reason": "the order's workflow is \(status)"])
        } catch StoreError.notFound {
            throw APIError.notFound("order_not_found", "no order \(orderID.prefix(64))")
        }
        logger.info("order cancel requested", metadata: [
            "order_id": "\(orderID)", "workflow_id": "\(snapshot.id.uuidString.lowercased())", "client_id": "\(client.clientID)",
        ])
        return JSONResponse.make(["order_id": orderID, "workflow_id": snapshot.id.uuidString.lowercased(), "status": "cancelling"],
                                 status: .accepted)
    }

    private func find(_ orderID: String) async throws -> WorkflowSnapshot {
        guard orderID.count <= 200, let snapshot = try await workflows.workflow(type: Self.workflowType, key: orderID) else {
            throw APIError.notFound("order_not_found", "no order \(orderID.prefix(64))")
        }
        return snapshot
    }

    private func currentStatus(_ id: UUID) async throws -> String {
        try Self.view(of: try await workflows.workflow(id)).status
    }

    /// The view of an order workflow; a requested cancel shows as `cancelling` until it runs.
    static func view(of snapshot: WorkflowSnapshot) throws -> OrderView {
        var view = try OrderView.make(
            workflowID: snapshot.id, state: snapshot.state, workflowStatus: snapshot.status.rawValue,
            context: snapshot.context, lastError: snapshot.lastError, createdAt: snapshot.createdAt, updatedAt: snapshot.updatedAt)
        if snapshot.cancelRequested, !snapshot.status.isTerminal { view.status = "cancelling" }
        return view
    }

    /// The `reason` of a cancel body, or a 400/422 naming what is wrong.
    static func cancelReason(_ body: Data) throws -> String {
        let document: JSONValue
        do {
            document = try JSONValue.parse(body)
        } catch {
            throw APIError.badRequest("malformed_json", "the body is not valid JSON")
        }
        var problems = JSONShape.object(["reason": .required(.string)]).check(document).problems
        let reason = document["reason"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        // In code points, as the OpenAPI document's maxLength counts.
        if problems.isEmpty, reason.isEmpty || reason.unicodeScalars.count > 500 { problems["reason"] = "must be 1 to 500 characters" }
        guard problems.isEmpty else { throw APIError.unprocessable("invalid_cancel", summary(problems), fields: problems) }
        return reason
    }

    /// "3 fields are invalid: currency, items[0].quantity, order_id".
    static func summary(_ problems: [String: String]) -> String {
        let names = problems.keys.sorted()
        if names.count == 1, let name = names.first { return "\(name) \(problems[name] ?? "is invalid")" }
        return "\(names.count) fields are invalid: \(names.joined(separator: ", "))"
    }
}
