import Foundation
import Hummingbird
import SundialEngine

extension DashboardRoutes {
    /// `GET /admin/workflows`: the admin API's listing (``SundialEngine/WorkflowStore/listWorkflows(_:)``)
    /// with the same filters, read by the same strict checks (an unknown or malformed filter is
    /// a 400 page naming it), newest first, one page and a link to the next. Empty form fields
    /// mean "any".
    func workflowList(_ session: DashboardSession, _ form: DashboardForm) async throws -> Response {
        let given = form.nonEmpty
        var query = AdminQuery(pairs: given, allowed: AdminRoutes.listParameters)
        let filter = try AdminRoutes.listFilter(&query, defaultLimit: 50)
        let page = try await store.listWorkflows(filter)
        func fieldValue(_ name: String) -> String { given.first { $0.0 == name }?.1 ?? "" }

        var types = Set(workflows.registry.all.map(\.name))
        if let type = filter.type { types.insert(type) }
        let typeOptions = ["" ] + types.sorted()
        let typeSelect: HTML = "<select name=\"type\" id=\"f-type\">\(typeOptions.map { option -> HTML in "<option value=\"\(option)\"\(option == (filter.type ?? "") ? HTML(" selected") : .empty)>\(option.isEmpty ? "any" : option)</option>" })</select>"
        let statusOptions = [""] + WorkflowStatus.allCases.map(\.rawValue)
        let statusSelect: HTML = "<select name=\"status\" id=\"f-status\">\(statusOptions.map { option -> HTML in "<option value=\"\(option)\"\(option == (filter.status?.rawValue ?? "") ? HTML(" selected") : .empty)>\(option.isEmpty ? "any" : option)</option>" })</select>"
        let filters: HTML = """
            <form class="filters" method="get" action="/admin/workflows">
            <label>Type \(typeSelect)</label>
            <label>Status \(statusSelect)</label>
            <label>State <input name="state" id="f-state" value="\(fieldValue("state"))" size="14"></label>
            <label>Business key <input name="business_key" id="f-business-key" value="\(fieldValue("business_key"))" size="18"></label>
            <label>Created from <input name="created_from" value="\(fieldValue("created_from"))" placeholder="2026-11-26T00:00:00Z" size="21"></label>
            <label>Created before <input name="created_to" value="\(fieldValue("created_to"))" placeholder="2026-11-27T00:00:00Z" size="21"></label>
            <button type="submit" id="f-submit">Filter</button> <a href="/admin/workflows">Clear</a>
            </form>
            """
        let rows = page.rows.map { row -> HTML in
            let id = DashboardLayout.id(row.id)
            return """
                <tr><td><a href="/admin/workflows/\(id)"><code>\(String(id.prefix(8)))</code></a></td><td>\(row.type)@\(row.version)</td>\
                <td>\(row.businessKey)</td><td>\(row.state)</td><td>\(DashboardLayout.statusBadge(row.status.rawValue))</td>\
                <td class="num">\(row.attempt)</td><td>\(DashboardLayout.time(row.runAt))</td><td class="error">\(DashboardLayout.short(row.lastError))</td>\
                <td>\(DashboardLayout.time(row.createdAt))</td><td>\(DashboardLayout.time(row.updatedAt))</td></tr>
                """
        }
        var pager: HTML = .empty
        if let next = page.next {
            let href = "/admin/workflows?" + DashboardLayout.query(given.filter { $0.0 != "cursor" } + [("cursor", next.token)])
            pager = "<p class=\"pager\"><a href=\"\(href)\" rel=\"next\">Next page →</a></p>"
        }
        let table: HTML = page.rows.isEmpty ? "<p class=\"muted\">No workflow matches these filters.</p>" : """
            <table id="workflows"><tr><th>Workflow</th><th>Type</th><th>Business key</th><th>State</th><th>Status</th><th class="num">Attempt</th>\
            <th>Next run</th><th>Last error</th><th>Created</th><th>Updated</th></tr>\(rows)</table>
            """
        return DashboardLayout.page("Workflows", session: session, section: .workflows, """
            \(filters)
            <p class="muted">Newest first, \(filter.limit) a page. The same filters as <code>GET /admin/v1/workflows</code>; times are ISO 8601.</p>
            \(table)
            \(pager)
            """)
    }
}
