import Foundation
import Hummingbird
import SundialEngine

extension DashboardRoutes {
    /// `GET /admin/workflows/{id}`: everything the admin API's `GET /admin/v1/workflows/{id}`
    /// answers (input, context, state, status, next run, lease holder, compensations, pending
    /// signals, history, explanation), its type's state diagram with this run's path, its audit
    /// entries, and the action forms the session's role may use.
    func workflowPage(_ session: DashboardSession, _ context: BasicRequestContext, _ form: DashboardForm) async throws -> Response {
        var query = AdminQuery(pairs: form.nonEmpty, allowed: ["done"])
        let doneText = query.string("done", max: 20)
        let done = doneText.flatMap(WorkflowAction.init(rawValue:))
        if doneText != nil && done == nil && doneText != "batch-rerun" { query.note("done", "is not an action") }
        try query.check()
        let id = try AdminRoutes.workflowID(context)
        let snapshot = try await workflows.workflow(id)
        // Bounded reads: a workflow that retried for months has a long history.
        let (history, olderHistory) = try await store.latestHistory(id, limit: Self.historyShown)
        let pendingPage = try await store.pendingSignalsPage(id, after: nil, limit: PageSize.pendingSignals.standard)
        let pending = pendingPage.rows
        let explanation = try await workflows.explain(id)
        let audit = try await store.audit(AuditQuery(target: AdminActions.target(id), limit: 50))
        let diagram = try await diagram(for: snapshot, history: history)
        let idText = DashboardLayout.id(id)

        var notice: HTML = .empty
        if let done { notice = "<div class=\"notice ok\" role=\"status\"><p>\(done.done)</p></div>" }
        if doneText == "batch-rerun" { notice = "<div class=\"notice ok\" role=\"status\"><p>The batch rerun was started; this is the new run.</p></div>" }

        func link(_ other: UUID?) -> HTML {
            guard let other else { return "—" }
            return "<a href=\"/admin/workflows/\(DashboardLayout.id(other))\"><code>\(DashboardLayout.id(other))</code></a>"
        }
        let facts: HTML = """
            <dl class="facts">
            <dt>Id</dt><dd><code>\(idText)</code></dd>
            <dt>Type</dt><dd>\(snapshot.type)@\(snapshot.version)</dd>
            <dt>Business key</dt><dd>\(snapshot.businessKey)</dd>
            <dt>State</dt><dd><strong id="current-state">\(snapshot.state)</strong></dd>
            <dt>Status</dt><dd id="status">\(DashboardLayout.statusBadge(snapshot.status.rawValue))\(snapshot.cancelRequested ? HTML(" (cancel requested)") : .empty)</dd>
            <dt>Next run</dt><dd>\(DashboardLayout.time(snapshot.runAt))</dd>
            <dt>Awaiting signal</dt><dd>\(snapshot.waitSignal ?? "—")\(snapshot.waitDeadline.map { " until \(DashboardLayout.time($0))" } ?? "")</dd>
            <dt>Lease holder</dt><dd>\(snapshot.leaseOwner ?? "—")</dd>
            <dt>Attempt / visit</dt><dd>\(snapshot.attempt) / \(snapshot.visit)</dd>
            <dt>Created</dt><dd>\(DashboardLayout.time(snapshot.createdAt))</dd>
            <dt>Updated</dt><dd>\(DashboardLayout.time(snapshot.updatedAt))</dd>
            <dt>Finished</dt><dd>\(DashboardLayout.time(snapshot.finishedAt))</dd>
            <dt>Parent</dt><dd>\(link(snapshot.parentID))</dd>
            <dt>Rerun of</dt><dd>\(link(snapshot.rerunOf))</dd>
            <dt>Last error</dt><dd class="error">\(snapshot.lastError ?? "—")</dd>
            </dl>
            """
        var explainFacts: [String] = []
        if let since = explanation.since { explainFacts.append("since \(DashboardLayout.time(since))") }
        if let until = explanation.until { explainFacts.append("until \(DashboardLayout.time(until))") }
        if let signal = explanation.signal { explainFacts.append("signal \(signal)") }
        if let worker = explanation.worker { explainFacts.append("worker \(worker)") }
        if let attempt = explanation.attempt { explainFacts.append("attempt \(attempt)\(explanation.maxAttempts.map { " of \($0)" } ?? "")") }
        if let action = explanation.action { explainFacts.append("would move on with: \(action)") }
        let explain: HTML = """
            <div class="card" id="explain"><h2>Why it is where it is</h2><p><strong>\(explanation.reason.rawValue)</strong>: \(explanation.message)</p>\
            \(explainFacts.isEmpty ? HTML.empty : "<p class=\"muted\">\(explainFacts.joined(separator: " · "))</p>")\
            \(explanation.error.map { error -> HTML in "<p class=\"error\">\(error)</p>" } ?? HTML.empty)</div>
            """

        let historyRows = history.map { entry -> HTML in
            let move: String = switch (entry.fromState, entry.toState) {
            case let (from?, to?): "\(from) → \(to)"
            case let (nil, to?): "→ \(to)"
            case let (from?, nil): "\(from)"
            default: ""
            }
            return """
                <tr><td class="num">\(Int(entry.id))</td><td>\(DashboardLayout.time(entry.createdAt))</td><td>\(entry.event)</td><td>\(move)</td>\
                <td class="num">\(entry.attempt)</td><td class="num">\(entry.durationMilliseconds.map { String(format: "%.0f", $0) } ?? "")</td>\
                <td>\(entry.workerID ?? "")</td><td class="error">\(entry.error ?? "")</td></tr>
                """
        }
        let olderNote: HTML = !olderHistory ? .empty : """
            <p class="muted" id="history-older">The newest \(Self.historyShown) entries; older ones: <code>GET /admin/v1/workflows/\(idText)/history</code>.</p>
            """
        let morePendingNote: HTML = pendingPage.next == nil ? .empty : """
            <p class="muted">The oldest \(PageSize.pendingSignals.standard); the others: <code>GET /admin/v1/workflows/\(idText)/signals</code>.</p>
            """
        let historyTable: HTML = """
            <table id="history"><tr><th class="num">#</th><th>At</th><th>Event</th><th>Move</th><th class="num">Attempt</th><th class="num">ms</th><th>Worker</th><th>Error</th></tr>\(historyRows)</table>
            """
        let pendingTable: HTML = pending.isEmpty ? "<p class=\"muted\">No signal waiting to be consumed.</p>" : """
            <table><tr><th>Name</th><th>Signal id</th><th>Received</th><th>Payload</th></tr>\(pending.map { signal -> HTML in
                "<tr><td>\(signal.name)</td><td>\(signal.signalID)</td><td>\(DashboardLayout.time(signal.receivedAt))</td><td><code>\(DashboardLayout.short(signal.payload, 200))</code></td></tr>"
            })</table>
            """
        let auditTable = Self.auditTable(audit, id: "workflow-audit")

        let content: HTML = """
            <div class="grid">
            <div class="card"><h2>Where it stands</h2>\(facts)</div>
            <div>\(explain)</div>
            </div>
            <h2>State diagram of \(snapshot.type)@\(snapshot.version)</h2>
            <div class="diagram" id="diagram">\(diagram)</div>
            <div class="legend"><span><i class="current\(snapshot.status == .failed || snapshot.status == .compensationFailed ? "fail" : "")"></i>current state</span>\
            <span><i class="visited"></i>visited</span><span><i class="edge-visited"></i>transition this run made</span>\
            <span><i class="edge-seen"></i>seen in this type's history, not declared</span></div>
            <h2>Actions</h2>
            \(actionForms(session, snapshot))
            <h2>History</h2>
            \(olderNote)
            \(historyTable)
            <h2>Audit entries</h2>
            \(auditTable)
            <h2>Pending signals</h2>
            \(morePendingNote)
            \(pendingTable)
            <div class="grid">
            <div><h2>Input</h2><pre id="input">\(DashboardLayout.prettyJSON(snapshot.input))</pre></div>
            <div><h2>Context</h2><pre id="context">\(DashboardLayout.prettyJSON(snapshot.context))</pre></div>
            </div>
            <div class="grid">
            <div><h2>Output</h2><pre>\(DashboardLayout.prettyJSON(snapshot.output ?? "null"))</pre></div>
            <div><h2>Compensation stack</h2><pre>\(DashboardLayout.prettyJSON(snapshot.compensations))</pre></div>
            </div>
            """
        return DashboardLayout.page("Workflow \(snapshot.type) \(snapshot.businessKey)", session: session, section: .workflows,
                                    notice: notice, content)
    }

    /// How many history entries the page shows (the newest).
    static let historyShown = 200

    /// The type's diagram from the registry's definition of this version (or the newest one),
    /// the transitions seen in the type's recent history, and this run's path.
    private func diagram(for snapshot: WorkflowSnapshot, history: [HistoryEntry]) async throws -> HTML {
        let definition = workflows.registry.definition(snapshot.type, version: snapshot.version) ?? workflows.registry.latest(snapshot.type)
        let observed = try await store.observedEdges(type: snapshot.type)
        var visitedStates = Set<String>()
        var visitedEdges = Set<StateEdge>()
        for entry in history {
            if let from = entry.fromState { visitedStates.insert(from) }
            if let to = entry.toState { visitedStates.insert(to) }
            if ["transition", "failed-over"].contains(entry.event), let from = entry.fromState, let to = entry.toState {
                visitedEdges.insert(StateEdge(from: from, to: to))
            }
        }
        visitedStates.insert(snapshot.state)
        var states = definition?.states ?? []
        // A type this server does not know (or a state an older version had): its states from history.
        let extra = (observed.flatMap { [$0.from, $0.to] } + history.compactMap(\.toState) + [snapshot.state])
        for state in extra where !states.contains(state) { states.append(state) }
        let initial = definition?.initialState ?? history.first?.toState ?? snapshot.state
        let drawing = StateDiagram(
            states: states, initial: initial, declared: definition?.edges ?? [], observed: observed, visitedStates: visitedStates,
            visitedEdges: visitedEdges, current: snapshot.state,
            failed: snapshot.status == .failed || snapshot.status == .compensationFailed)
        var note: HTML = .empty
        if definition == nil {
            note = "<p class=\"muted\">This server does not know \(snapshot.type); the diagram is drawn from its history.</p>"
        } else if definition?.edges.isEmpty == true {
            note = "<p class=\"muted\">\(snapshot.type) declares no state graph; the edges are the transitions seen in its history.</p>"
        }
        return drawing.svg() + note
    }

    /// The action forms, or a note saying the role reads only.
    private func actionForms(_ session: DashboardSession, _ snapshot: WorkflowSnapshot) -> HTML {
        guard session.principal.role.allows(.steerWorkflows) else {
            return "<p class=\"muted\" id=\"no-actions\">Your role (\(session.principal.role.rawValue)) reads only here: resume, retry, cancel, signal and rerun need the operator or admin role.</p>"
        }
        let base = "/admin/workflows/\(DashboardLayout.id(snapshot.id))"
        let csrf = DashboardLayout.csrfField(session)
        func reason(_ action: WorkflowAction) -> HTML {
            "<label>Reason <textarea name=\"reason\" id=\"\(action.rawValue)-reason\" required maxlength=\"500\"></textarea></label>"
        }
        func form(_ action: WorkflowAction, _ title: String, _ fields: HTML, danger: Bool = false) -> HTML {
            """
            <form class="action" method="post" action="\(base)/\(action.rawValue)" id="\(action.rawValue)-form">\(csrf)
            <h3>\(title)</h3><p class="pre">\(action.precondition)</p>\(fields)
            <button type="submit" id="\(action.rawValue)-submit"\(danger ? HTML(" class=\"danger\"") : .empty)>\(title)</button></form>
            """
        }
        let states = workflows.registry.definition(snapshot.type, version: snapshot.version)?.states ?? [snapshot.state]
        let stateSelect: HTML = "<label>From state <select name=\"state\">\(states.map { state -> HTML in "<option value=\"\(state)\"\(state == snapshot.state ? HTML(" selected") : .empty)>\(state)</option>" })</select></label>"
        return """
            <div class="actions">
            \(form(.resume, "Resume", reason(.resume)))
            \(form(.retry, "Retry now", reason(.retry)))
            \(form(.cancel, "Cancel", reason(.cancel), danger: true))
            \(form(.signal, "Send signal", """
                <label>Signal name <input name="name" required maxlength="200"></label>\
                <label>Signal id (blank: a new one) <input name="signal_id" maxlength="200"></label>\
                <label>Payload (JSON, optional) <textarea name="payload" maxlength="8000"></textarea></label>\(reason(.signal))
                """))
            \(form(.rerun, "Rerun", stateSelect + reason(.rerun)))
            </div>
            """
    }

    /// `POST /admin/workflows/{id}/<action>`: the action through ``SundialEngine/AdminActions``
    /// (checked and audited as the JSON API does), then 303 back to the workflow (the new run
    /// for a rerun) with a confirmation.
    func perform(_ action: WorkflowAction, _ session: DashboardSession, _ context: BasicRequestContext, _ form: DashboardForm) async throws -> Response {
        let id = try AdminRoutes.workflowID(context)
        let actions = AdminActions(workflows: workflows, actor: session.principal.name)
        let reason = try form.text("reason", label: "The reason", multiline: true)
        var target = id
        switch action {
        case .resume: try await actions.resume(id, reason: reason)
        case .retry: try await actions.retryNow(id, reason: reason)
        case .cancel: try await actions.cancel(id, reason: reason)
        case .signal:
            let name = try form.text("name", label: "The signal name", max: 200)
            let signalID = (try form.value("signal_id")).map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
                ?? "dashboard-\(UUID().uuidString.lowercased())"
            guard signalID.count <= 200, !AdminText.hasControlCharacters(signalID) else {
                throw DashboardError(.unprocessableContent, "The signal id must be 1 to 200 characters without control characters.",
                                     fields: ["signal_id": "must be 1 to 200 characters without control characters"])
            }
            var payload = "{}"
            if let text = try form.value("payload"), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                guard let value = try? JSONValue.parse(Data(text.utf8)), !AdminText.containsNUL(value),
                      let encoded = try? JSONEncoder().encode(value) else {
                    throw DashboardError(.unprocessableContent, "The payload is not valid JSON.", fields: ["payload": "must be JSON"])
                }
                payload = String(decoding: encoded, as: UTF8.self)
            }
            _ = try await actions.signal(id, name: name, signalID: signalID, payloadJSON: payload, reason: reason)
        case .rerun:
            let state = try form.text("state", label: "The state", max: 200)
            target = try await actions.rerun(id, from: state, reason: reason)
        }
        return DashboardLayout.redirect("/admin/workflows/\(DashboardLayout.id(target))?done=\(action.rawValue)")
    }
}
