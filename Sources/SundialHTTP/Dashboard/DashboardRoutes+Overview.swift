import Foundation
import Hummingbird
import SundialEngine

extension DashboardRoutes {
    /// `GET /admin`: counts by type and status (each a link to the filtered list), the due
    /// backlog and the age of its oldest workflow, workflows finished per minute over the last
    /// hour (inline SVG), failed workflows, live workers and paused types. The store reads the
    /// `/metrics` gauges use.
    func overview(_ session: DashboardSession, _ query: DashboardForm) async throws -> Response {
        let check = AdminQuery(pairs: query.pairs, allowed: [])
        try check.check()
        let now = Date()
        let gauges = try await store.fleetGauges()
        let finished = try await store.finishedPerMinute(since: now.addingTimeInterval(-3600))
        let failed = try await store.listWorkflows(WorkflowListQuery(status: .failed, limit: 10))
        let workers = try await store.workers()
        let paused = try await store.pausedTypes()

        var counts: [String: [String: Int]] = [:]
        for row in gauges.byTypeAndStatus { counts[row.type, default: [:]][row.status, default: 0] += row.count }
        let statuses = WorkflowStatus.allCases.map(\.rawValue)
        let total = gauges.byTypeAndStatus.map(\.count).reduce(0, +)
        let failedTotal = gauges.byTypeAndStatus.filter { $0.status == "failed" || $0.status == "compensation_failed" }.map(\.count).reduce(0, +)
        let live = workers.filter(\.live)

        let header: HTML = "<tr><th>Type</th>\(statuses.map { status -> HTML in "<th class=\"num\">\(status)</th>" })<th class=\"num\">total</th></tr>"
        let rows: [HTML] = counts.keys.sorted().map { type -> HTML in
            let byStatus = counts[type] ?? [:]
            let cells = statuses.map { status -> HTML in
                guard let count = byStatus[status], count > 0 else { return "<td class=\"num muted\">0</td>" }
                let href = "/admin/workflows?" + DashboardLayout.query([("type", type), ("status", status)])
                return "<td class=\"num\"><a href=\"\(href)\">\(count)</a></td>"
            }
            let typeHref = "/admin/workflows?" + DashboardLayout.query([("type", type)])
            return "<tr><td><a href=\"\(typeHref)\">\(type)</a></td>\(cells)<td class=\"num\">\(byStatus.values.reduce(0, +))</td></tr>"
        }
        let countsTable: HTML = rows.isEmpty ? "<p class=\"muted\">No workflows yet.</p>" : "<table>\(header)\(rows)</table>"

        let failedRows: HTML = failed.rows.isEmpty ? "<p class=\"muted\">No failed workflows.</p>" : """
            <table><tr><th>Workflow</th><th>Type</th><th>Business key</th><th>State</th><th>Error</th><th>Updated</th></tr>
            \(failed.rows.map { row -> HTML in
                "<tr><td><a href=\"/admin/workflows/\(DashboardLayout.id(row.id))\"><code>\(String(DashboardLayout.id(row.id).prefix(8)))</code></a></td><td>\(row.type)</td><td>\(row.businessKey)</td><td>\(row.state)</td><td class=\"error\">\(DashboardLayout.short(row.lastError, 120))</td><td>\(DashboardLayout.time(row.updatedAt))</td></tr>"
            })</table>
            """
        let workerRows: HTML = live.isEmpty ? "<p class=\"muted\">No live worker (no heartbeat in the last minute).</p>" : """
            <table><tr><th>Worker</th><th>Host</th><th class="num">Concurrency</th><th>Runs</th><th>Last heartbeat</th></tr>
            \(live.map { worker -> HTML in
                "<tr><td>\(worker.id)</td><td>\(worker.host)</td><td class=\"num\">\(worker.concurrency)</td><td>\(worker.definitions.joined(separator: ", "))</td><td>\(DashboardLayout.time(worker.heartbeatAt))</td></tr>"
            })</table>
            """
        let pausedList: HTML = paused.isEmpty ? .empty : """
            <div class="notice info"><p>Paused types (workers do not claim them): \(paused.map { p -> HTML in
                "<strong>\(p.type)</strong> by \(p.pausedBy)\(p.reason.map { " (\($0))" } ?? "") "
            })</p></div>
            """
        let content: HTML = """
            \(pausedList)
            <div class="kpis">
            <div class="kpi"><div class="value">\(total)</div><div class="label">workflows stored</div></div>
            <div class="kpi"><div class="value">\(gauges.dueNow)</div><div class="label">runnable and due now</div></div>
            <div class="kpi"><div class="value">\(gauges.dueNow == 0 ? "—" : DashboardLayout.age(gauges.oldestDueSeconds))</div><div class="label">oldest runnable waiting</div></div>
            <div class="kpi"><div class="value">\(failedTotal)</div><div class="label">failed (need an operator)</div></div>
            <div class="kpi"><div class="value">\(live.count)</div><div class="label">live workers</div></div>
            </div>
            <div class="card"><h2>Finished per minute, last hour</h2>\(ThroughputChart(buckets: finished, now: now).svg())</div>
            <h2>Workflows by type and status</h2>
            \(countsTable)
            <div class="grid">
            <div><h2>Failed workflows</h2>\(failedRows)<p><a href="/admin/workflows?status=failed">All failed workflows</a></p></div>
            <div><h2>Live workers</h2>\(workerRows)</div>
            </div>
            """
        return DashboardLayout.page("Overview", session: session, section: .overview, content)
    }
}
