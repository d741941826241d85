import Foundation
import Hummingbird
import Sundial
import SundialEngine

extension AdminRoutes {
    /// `GET /admin/v1/types`: every type known here, to a live worker or paused, with its pause.
    func listTypes(_ request: Request) async throws -> Response {
        try AdminQuery(request, allowed: []).check()
        let paused = Dictionary(uniqueKeysWithValues: try await store.pausedTypes().map { ($0.type, $0) })
        var versions: [String: Set<Int>] = [:]
        for definition in workflows.registry.all { versions[definition.name, default: []].insert(definition.version) }
        var deployed: [String: Set<Int>] = [:]
        for worker in try await store.workers() where worker.live {
            for key in worker.definitions {
                let parts = key.split(separator: "@")
                if parts.count == 2, let version = Int(parts[1]) { deployed[String(parts[0]), default: []].insert(version) }
            }
        }
        let names = Set(versions.keys).union(deployed.keys).union(paused.keys).sorted()
        let types: [[String: Any]] = names.map { name in
            var entry: [String: Any] = [
                "type": name, "versions": (versions[name] ?? []).sorted(), "deployed_versions": (deployed[name] ?? []).sorted(),
                "paused": paused[name] != nil,
            ]
            if let pause = paused[name] {
                entry["paused_at"] = pause.pausedAt.formatted(.iso8601)
                entry["paused_by"] = pause.pausedBy
                entry["reason"] = pause.reason ?? NSNull()
            }
            return entry
        }
        return JSONResponse.make(["types": types])
    }

    private static func typeName(_ context: BasicRequestContext) throws -> String {
        let type = context.parameters.get("type") ?? ""
        guard !type.isEmpty, type.count <= 200, !AdminText.hasControlCharacters(type) else {
            throw APIError.badRequest("invalid_type", "a type name is 1 to 200 characters without control characters")
        }
        return type
    }

    /// 404 `type_not_found` for a type this server does not register, no live worker runs and
    /// nobody paused: a typo must not leave a pause (and an audit row) behind for a type that
    /// does not exist.
    private func requireKnownType(_ type: String) async throws {
        if workflows.registry.all.contains(where: { $0.name == type }) { return }
        if try await store.pausedTypes().contains(where: { $0.type == type }) { return }
        let deployed = try await store.workers().filter(\.live).flatMap(\.definitions)
        if deployed.contains(where: { $0.split(separator: "@").first.map(String.init) == type }) { return }
        throw APIError.notFound("type_not_found", "no workflow type '\(type.prefix(64))' is registered here or run by a live worker")
    }

    /// `POST /admin/v1/types/{type}/pause` `{"reason"?}`: 409 when already paused.
    func pauseType(_ request: Request, _ context: BasicRequestContext, _ principal: AdminPrincipal?) async throws -> Response {
        let type = try Self.typeName(context)
        let body = try await AdminBody.read(request, ["reason": .optional(.string)])
        try await requireKnownType(type)
        try await Self.actions(workflows, principal).pauseType(type, reason: body["reason"]?.stringValue)
        return JSONResponse.make(["type": type, "action": "pause", "outcome": "ok", "paused": true])
    }

    /// `POST /admin/v1/types/{type}/resume` `{"reason"?}`: 409 when not paused.
    func resumeType(_ request: Request, _ context: BasicRequestContext, _ principal: AdminPrincipal?) async throws -> Response {
        let type = try Self.typeName(context)
        let body = try await AdminBody.read(request, ["reason": .optional(.string)])
        try await requireKnownType(type)
        try await Self.actions(workflows, principal).resumeType(type, reason: body["reason"]?.stringValue)
        return JSONResponse.make(["type": type, "action": "resume", "outcome": "ok", "paused": false])
    }

    /// `GET /admin/v1/workers?limit=&cursor=`: workers that have not stopped, by id, with `live`
    /// for a recent heartbeat.
    func listWorkers(_ request: Request) async throws -> Response {
        var query = AdminQuery(request, allowed: ["limit", "cursor"])
        let limit = query.limit(PageSize.workers)
        let after = query.cursor()
        try query.check()
        let page = try await store.workersPage(after: after?.key, limit: limit)
        return JSONResponse.make(["workers": AdminJSON.object(page.rows), "next_cursor": page.next?.token ?? NSNull()])
    }

    /// `GET /admin/v1/schedules?limit=&cursor=`: schedules by name with their next fire time.
    func listSchedules(_ request: Request) async throws -> Response {
        var query = AdminQuery(request, allowed: ["limit", "cursor"])
        let limit = query.limit(PageSize.schedules)
        let after = query.cursor()
        try query.check()
        let page = try await store.schedulesPage(after: after?.key, limit: limit)
        return JSONResponse.make(["schedules": AdminJSON.object(page.rows), "next_cursor": page.next?.token ?? NSNull()])
    }

    enum ScheduleAction: String { case pause, resume, trigger }

    /// `POST /admin/v1/schedules/{name}/pause|resume|trigger`: 404 unknown, 409 already so.
    func steerSchedule(_ request: Request, _ context: BasicRequestContext, _ principal: AdminPrincipal?,
                       _ action: ScheduleAction) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        guard !name.isEmpty, name.count <= 200, !AdminText.hasControlCharacters(name) else {
            throw APIError.badRequest("invalid_name", "a schedule name is 1 to 200 characters without control characters")
        }
        _ = try await AdminBody.read(request, [:])
        let actions = Self.actions(workflows, principal)
        var body: [String: Any] = ["schedule": name, "action": action.rawValue, "outcome": "ok"]
        switch action {
        case .pause: try await actions.pauseSchedule(name)
        case .resume: try await actions.resumeSchedule(name)
        case .trigger: body["workflow_id"] = AdminJSON.id(try await actions.triggerSchedule(name, declarations: schedules))
        }
        return JSONResponse.make(body, status: action == .trigger ? .created : .ok)
    }

    /// `GET /admin/v1/outbox/parked?limit=&cursor=`: parked deliveries, oldest first.
    func listParked(_ request: Request) async throws -> Response {
        var query = AdminQuery(request, allowed: ["limit", "cursor"])
        let limit = query.limit(PageSize.parkedOutbox)
        let after = query.sequenceCursor()
        try query.check()
        let page = try await store.parkedOutboxPage(after: after, limit: limit)
        return JSONResponse.make(["messages": AdminJSON.object(page.rows), "next_cursor": page.next?.token ?? NSNull()])
    }

    /// `POST /admin/v1/outbox/{id}/replay`: 409 when no parked message has that id.
    func replay(_ request: Request, _ context: BasicRequestContext, _ principal: AdminPrincipal?) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(Int64.init), id > 0 else {
            throw APIError.badRequest("invalid_id", "an outbox message id is a positive whole number")
        }
        _ = try await AdminBody.read(request, [:])
        try await Self.actions(workflows, principal).replayOutbox(id)
        return JSONResponse.make(["id": id, "action": "replay", "outcome": "ok"])
    }

    /// `GET /admin/v1/audit?actor=&action=&target=&cursor=&limit=`: newest first.
    func listAudit(_ request: Request) async throws -> Response {
        var query = AdminQuery(request, allowed: Self.auditParameters)
        let (entries, next) = try await Self.auditPage(store, try Self.auditFilter(&query))
        return JSONResponse.make(["entries": AdminJSON.object(entries), "next_cursor": next ?? NSNull()])
    }

    static let auditParameters: Set<String> = ["actor", "action", "target", "cursor", "limit"]

    /// The audit listing's filters from `query` (the API's query string or the dashboard's
    /// filter form), or the 400 `invalid_query`.
    static func auditFilter(_ query: inout AdminQuery) throws -> AuditQuery {
        var filter = AuditQuery(actor: query.string("actor"), action: query.string("action"), target: query.string("target"),
                                limit: query.limit(PageSize.audit))
        if let cursor = query.cursor() {
            if let id = try? cursor.auditID() { filter.before = id } else { query.note("cursor", "is not a cursor this server returned") }
        }
        try query.check()
        return filter
    }

    /// One page of the audit trail, newest first, and the next page's cursor (nil on the last).
    static func auditPage(_ store: WorkflowStore, _ filter: AuditQuery) async throws -> (entries: [AuditEntry], next: String?) {
        var filter = filter
        let asked = filter.limit
        filter.limit += 1
        var entries = try await store.audit(filter)
        var next: String?
        if entries.count > asked {
            entries.removeLast()
            next = entries.last.map { ListCursor(micros: 0, key: String($0.id)).token }
        }
        return (entries, next)
    }
}
