import Foundation
import Hummingbird
import NIOCore
import SundialEngine
import Workflows

extension DashboardRoutes {
    /// `GET /admin/finance[?date=YYYY-MM-DD]`: for each batch job, its runs (the newest, or those
    /// of one business date) as `GET /admin/v1/batches/{job}/runs` lists them, links to each
    /// run's exception report, and the rerun form for the finance and admin roles.
    func finance(_ session: DashboardSession, _ form: DashboardForm) async throws -> Response {
        var query = AdminQuery(pairs: form.nonEmpty, allowed: ["date"])
        let date = query.string("date", max: 10)
        if let date, !AdminRoutes.isBusinessDate(date) { query.note("date", "must be a calendar date YYYY-MM-DD") }
        try query.check()
        var sections: [HTML] = []
        for job in BatchJobs.names {
            let records = if let date { try await store.runs(type: job, businessDate: date) } else { try await store.recentRuns(type: job, limit: 30) }
            let runs = records.compactMap(BatchRunSummary.init)
            let rows = runs.map { run -> HTML in
                let id = DashboardLayout.id(run.workflowID)
                let report: HTML = run.status == "completed"
                    ? "<a href=\"/admin/finance/\(job)/runs/\(id)/exceptions\">\(run.exceptions ?? 0) exceptions</a>" : "—"
                return """
                    <tr><td>\(run.businessDate)</td><td class="num">\(run.runNumber)</td><td><a href="/admin/workflows/\(id)"><code>\(String(id.prefix(8)))</code></a></td>\
                    <td>\(DashboardLayout.statusBadge(run.status))</td><td>\(run.state)</td><td>\(run.actor ?? "")</td><td>\(run.reason ?? "")</td>\
                    <td>\(run.fileName ?? "—")</td><td class="num">\(run.invoicesCreated.map(String.init) ?? "—")</td><td>\(report)</td>\
                    <td class="error">\(DashboardLayout.short(run.lastError, 100))</td><td>\(DashboardLayout.time(run.startedAt))</td></tr>
                    """
            }
            let table: HTML = runs.isEmpty ? "<p class=\"muted\">No runs\(date.map { " for \($0)" } ?? "").</p>" : """
                <table id="runs-\(job)"><tr><th>Business date</th><th class="num">Run</th><th>Workflow</th><th>Status</th><th>State</th><th>By</th>\
                <th>Reason</th><th>File</th><th class="num">Invoices</th><th>Exception report</th><th>Last error</th><th>Started</th></tr>\(rows)</table>
                """
            var rerun: HTML = "<p class=\"muted\">Reruns need the finance or admin role (yours: \(session.principal.role.rawValue)).</p>"
            if session.principal.role.allows(.batches) {
                rerun = """
                    <form class="action" method="post" action="/admin/finance/\(job)/rerun" id="rerun-\(job)">\(DashboardLayout.csrfField(session))
                    <h3>Rerun \(job)</h3><p class="pre">Starts run n+1 of the date (its own file; only invoices still missing are created). \
                    Refused while a run of that date is in progress.</p>
                    <label>Business date <input name="date" required placeholder="YYYY-MM-DD" pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" value="\(date ?? "")"></label>
                    <label>Reason <textarea name="reason" required maxlength="500"></textarea></label>
                    <button type="submit">Rerun</button></form>
                    """
            }
            sections.append("""
                <h2>\(job)</h2>
                \(table)
                <div class="actions">\(rerun)</div>
                """)
        }
        return DashboardLayout.page("Finance: batch runs", session: session, section: .finance, """
            <form class="filters" method="get" action="/admin/finance">
            <label>Business date <input name="date" value="\(date ?? "")" placeholder="YYYY-MM-DD"></label>
            <button type="submit">Show runs</button> <a href="/admin/finance">Newest runs</a>
            </form>
            \(sections)
            """)
    }

    /// `GET /admin/finance/{job}/runs/{workflow_id}/exceptions[?format=csv]`: a completed run's
    /// reconciliation exceptions as a table, or the same RFC 4180 CSV the admin API serves.
    func exceptions(_ session: DashboardSession, _ context: BasicRequestContext, _ form: DashboardForm) async throws -> Response {
        var query = AdminQuery(pairs: form.nonEmpty, allowed: ["format"])
        let format = query.string("format", max: 10)
        if let format, !["html", "csv"].contains(format) { query.note("format", "must be html or csv") }
        try query.check()
        let job = try AdminRoutes.batchJob(context)
        let text = context.parameters.get("workflow_id") ?? ""
        guard text.count == 36, let id = UUID(uuidString: text) else {
            throw DashboardError(.badRequest, "'\(text.prefix(64))' is not a workflow id (a UUID).")
        }
        let report = try await AdminRoutes.batchReport(job: job, id: id, workflows: workflows)
        if format == "csv" {
            var headers = HTTPFields()
            headers[.contentType] = "text/csv; charset=utf-8; header=present"
            headers[.contentDisposition] = "attachment; filename=\"\(job)-\(report.businessDate)-run\(report.runNumber)-exceptions.csv\""
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: report.exceptionsCSV)))
        }
        let rows = report.exceptions.map { exception -> HTML in
            """
            <tr><td>\(exception.orderID)</td><td><a href="/admin/workflows/\(DashboardLayout.id(exception.orderWorkflowID))">order</a></td>\
            <td>\(exception.reason.rawValue)</td><td>\(exception.detail)</td><td>\(exception.captured?.description ?? "")</td>\
            <td>\(exception.invoiced?.description ?? "")</td><td>\(exception.invoiceID ?? "")</td></tr>
            """
        }
        let table: HTML = report.exceptions.isEmpty ? "<p class=\"muted\">No exceptions: every order matched.</p>" : """
            <table><tr><th>Order</th><th>Workflow</th><th>Reason</th><th>Detail</th><th>Captured</th><th>Invoiced</th><th>Invoice</th></tr>\(rows)</table>
            """
        return DashboardLayout.page("Exceptions of \(job) \(report.businessDate) run \(report.runNumber)", session: session, section: .finance, """
            <p>\(report.orders) orders, \(report.matched) matched, \(report.exceptions.count) exceptions; file <code>\(report.fileName)</code>.
            <a href="/admin/finance/\(job)/runs/\(DashboardLayout.id(id))/exceptions?format=csv">Download CSV</a></p>
            \(table)
            """)
    }

    /// `POST /admin/finance/{job}/rerun`: the admin API's batch rerun (shared code, same
    /// refusals, audited as `batch.rerun`), then 303 to the new run.
    func rerunBatch(_ session: DashboardSession, _ context: BasicRequestContext, _ form: DashboardForm) async throws -> Response {
        let job = try AdminRoutes.batchJob(context)
        let date = try form.text("date", label: "The business date", max: 10)
        guard AdminRoutes.isBusinessDate(date) else {
            throw DashboardError(.unprocessableContent, "The business date must be a calendar date YYYY-MM-DD.", fields: ["date": "must be a calendar date YYYY-MM-DD"])
        }
        let reason = try form.text("reason", label: "The reason", multiline: true)
        let (started, _) = try await BatchRerunAction.start(
            job: job, date: date, reason: reason, workflows: workflows, actions: AdminActions(workflows: workflows, actor: session.principal.name))
        return DashboardLayout.redirect("/admin/workflows/\(DashboardLayout.id(started.id))?done=batch-rerun")
    }
}
