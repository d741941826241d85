import Foundation
import Hummingbird
import Sundial
import SundialEngine

extension AdminRoutes {
    static let listParameters: Set<String> = [
        "type", "status", "state", "business_key", "created_from", "created_to", "updated_from", "updated_to", "cursor", "limit",
    ]

    /// `GET /admin/v1/workflows`: newest first, filtered, one page and the next page's cursor.
    func listWorkflows(_ request: Request) async throws -> Response {
        var query = AdminQuery(request, allowed: Self.listParameters)
        let filter = try Self.listFilter(&query)
        let page = try await store.listWorkflows(filter)
        return JSONResponse.make(["workflows": AdminJSON.object(page.rows), "next_cursor": page.next?.token ?? NSNull()])
    }

    /// The listing's filters read from `query` (the API's query string or the dashboard's filter
    /// form), or the 400 `invalid_query` naming every bad one.
    static func listFilter(_ query: inout AdminQuery, defaultLimit: Int = PageSize.workflows.standard) throws -> WorkflowListQuery {
        let filter = WorkflowListQuery(
            type: query.string("type"), status: query.status(), state: query.string("state"),
            businessKey: query.string("business_key"), createdFrom: query.date("created_from"), createdTo: query.date("created_to"),
            updatedFrom: query.date("updated_from"), updatedTo: query.date("updated_to"), after: query.cursor(),
            limit: query.limit(default: defaultLimit))
        if let after = filter.after, (try? after.workflowID()) == nil { query.note("cursor", "is not a cursor this server returned") }
        for (name, problem) in filter.problems() { query.note(name, problem) }
        try query.check()
        return filter
    }

    /// `GET /admin/v1/workflows/{id}`: everything stored about one workflow, with the first page
    /// of its history and of its pending signals (each with the cursor of the next page, for
    /// `.../history` and `.../signals`).
    func showWorkflow(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try AdminQuery(request, allowed: []).check()
        let id = try Self.workflowID(context)
        let snapshot = try await workflows.workflow(id)
        let history = try await store.historyPage(id, after: nil, limit: PageSize.history.standard)
        let pending = try await store.pendingSignalsPage(id, after: nil, limit: PageSize.pendingSignals.standard)
        let explanation = try await workflows.explain(id)
        return JSONResponse.make([
            "workflow": AdminJSON.object(snapshot), "history": AdminJSON.object(history.rows),
            "history_next_cursor": history.next?.token ?? NSNull(),
            "pending_signals": AdminJSON.object(pending.rows), "pending_signals_next_cursor": pending.next?.token ?? NSNull(),
            "explanation": AdminJSON.object(explanation),
        ])
    }

    /// `GET /admin/v1/workflows/{id}/history?limit=&cursor=`: the history oldest first, one page.
    func workflowHistory(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        var query = AdminQuery(request, allowed: ["limit", "cursor"])
        let limit = query.limit(PageSize.history)
        let after = query.sequenceCursor()
        try query.check()
        let id = try Self.workflowID(context)
        _ = try await workflows.workflow(id)  // 404 for an unknown workflow rather than an empty page
        let page = try await store.historyPage(id, after: after, limit: limit)
        return JSONResponse.make(["workflow_id": AdminJSON.id(id), "history": AdminJSON.object(page.rows),
                                  "next_cursor": page.next?.token ?? NSNull()])
    }

    /// `GET /admin/v1/workflows/{id}/signals?limit=&cursor=`: the pending signals oldest first, one page.
    func workflowSignals(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        var query = AdminQuery(request, allowed: ["limit", "cursor"])
        let limit = query.limit(PageSize.pendingSignals)
        let after = query.cursor()
        try query.check()
        let id = try Self.workflowID(context)
        _ = try await workflows.workflow(id)
        let page = try await store.pendingSignalsPage(id, after: after, limit: limit)
        return JSONResponse.make(["workflow_id": AdminJSON.id(id), "pending_signals": AdminJSON.object(page.rows),
                                  "next_cursor": page.next?.token ?? NSNull()])
    }

    /// `GET /admin/v1/workflows/{id}/explain`: why it is not running right now.
    func explainWorkflow(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try AdminQuery(request, allowed: []).check()
        let id = try Self.workflowID(context)
        let explanation = try await workflows.explain(id)
        let snapshot = try await workflows.workflow(id)
        var body = AdminJSON.object(explanation) as? [String: Any] ?? [:]
        body["workflow_id"] = AdminJSON.id(id)
        body["status"] = snapshot.status.rawValue
        body["state"] = snapshot.state
        return JSONResponse.make(body)
    }

    private static let reasonMember: [String: JSONShape.Member] = ["reason": .optional(.string)]
    private static let requiredReason: [String: JSONShape.Member] = ["reason": .required(.string)]

    private func done(_ id: UUID, _ action: String, _ extra: [String: Any] = [:], status: HTTPResponse.Status = .ok) async throws -> Response {
        let snapshot = try await workflows.workflow(id)
        var body: [String: Any] = ["workflow_id": AdminJSON.id(id), "action": action, "outcome": "ok", "status": snapshot.status.rawValue]
        for (key, value) in extra { body[key] = value }
        return JSONResponse.make(body, status: status)
    }

    /// `POST .../resume` `{"reason"?}`: failed, compensation_failed, or parked for an operator.
    func resume(_ request: Request, _ context: BasicRequestContext, _ principal: AdminPrincipal?) async throws -> Response {
        let id = try Self.workflowID(context)
        let body = try await AdminBody.read(request, Self.reasonMember)
        try await Self.actions(workflows, principal).resume(id, reason: body["reason"]?.stringValue)
        return try await done(id, "resume")
    }

    /// `POST .../retry` `{"reason"?}`: backing off after a failed attempt → due now.
    func retry(_ request: Request, _ context: BasicRequestContext, _ principal: AdminPrincipal?) async throws -> Response {
        let id = try Self.workflowID(context)
        let body = try await AdminBody.read(request, Self.reasonMember)
        try await Self.actions(workflows, principal).retryNow(id, reason: body["reason"]?.stringValue)
        return try await done(id, "retry")
    }

    /// `POST .../cancel` `{"reason"}`: 202; 409 when refused by the workflow or finished.
    func cancel(_ request: Request, _ context: BasicRequestContext, _ principal: AdminPrincipal?) async throws -> Response {
        let id = try Self.workflowID(context)
        let body = try await AdminBody.read(request, Self.requiredReason)
        try await Self.actions(workflows, principal).cancel(id, reason: body["reason"]?.stringValue ?? "")
        return try await done(id, "cancel", status: .accepted)
    }

    /// `POST .../signal` `{"name", "signal_id", "payload"?}`.
    func signal(_ request: Request, _ context: BasicRequestContext, _ principal: AdminPrincipal?) async throws -> Response {
        let id = try Self.workflowID(context)
        let body = try await AdminBody.read(request, ["name": .required(.string), "signal_id": .required(.string)], free: ["payload"])
        let payload = body["payload"].map { String(decoding: (try? JSONEncoder().encode($0)) ?? Data("null".utf8), as: UTF8.self) } ?? "{}"
        let delivery = try await Self.actions(workflows, principal).signal(
            id, name: body["name"]?.stringValue ?? "", signalID: body["signal_id"]?.stringValue ?? "", payloadJSON: payload)
        return try await done(id, "signal", ["delivery": delivery.rawValue])
    }

    /// `POST .../rerun` `{"state", "reason"}`: 201 with the new run's id.
    func rerun(_ request: Request, _ context: BasicRequestContext, _ principal: AdminPrincipal?) async throws -> Response {
        let id = try Self.workflowID(context)
        let body = try await AdminBody.read(request, ["state": .required(.string), "reason": .required(.string)])
        let newID = try await Self.actions(workflows, principal).rerun(
            id, from: body["state"]?.stringValue ?? "", reason: body["reason"]?.stringValue ?? "")
        var headers = HTTPFields()
        headers[.location] = "\(Self.prefix)/workflows/\(AdminJSON.id(newID))"
        let created = try await workflows.workflow(newID)
        return JSONResponse.make([
            "workflow_id": AdminJSON.id(id), "action": "rerun", "outcome": "ok", "new_workflow_id": AdminJSON.id(newID),
            "business_key": created.businessKey, "state": created.state, "status": created.status.rawValue,
        ], status: .created, headers: headers)
    }
}
