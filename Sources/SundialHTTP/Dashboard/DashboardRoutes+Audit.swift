import Foundation
import Hummingbird
import SundialEngine

extension DashboardRoutes {
    /// `GET /admin/audit`: the audit trail as `GET /admin/v1/audit` lists it (same filters, same
    /// cursor), newest first.
    func audit(_ session: DashboardSession, _ form: DashboardForm) async throws -> Response {
        let given = form.nonEmpty
        var query = AdminQuery(pairs: given, allowed: AdminRoutes.auditParameters)
        let (entries, next) = try await AdminRoutes.auditPage(store, try AdminRoutes.auditFilter(&query))
        func fieldValue(_ name: String) -> String { given.first { $0.0 == name }?.1 ?? "" }
        var pager: HTML = .empty
        if let next {
            pager = "<p class=\"pager\"><a href=\"/admin/audit?\(DashboardLayout.query(given.filter { $0.0 != "cursor" } + [("cursor", next)]))\" rel=\"next\">Older entries →</a></p>"
        }
        return DashboardLayout.page("Audit trail", session: session, section: .audit, """
            <form class="filters" method="get" action="/admin/audit">
            <label>Actor <input name="actor" value="\(fieldValue("actor"))"></label>
            <label>Action <input name="action" value="\(fieldValue("action"))" placeholder="workflow.resume"></label>
            <label>Target <input name="target" value="\(fieldValue("target"))" placeholder="workflow:&lt;id&gt;"></label>
            <button type="submit">Filter</button> <a href="/admin/audit">Clear</a>
            </form>
            <p class="muted">Every action of the dashboard, the admin API and the CLI, done or refused, with who, why and the outcome.</p>
            \(Self.auditTable(entries, id: "audit"))
            \(pager)
            """)
    }

    /// Audit entries as a table (the audit page, and a workflow's own entries on its page).
    static func auditTable(_ entries: [AuditEntry], id: String) -> HTML {
        guard !entries.isEmpty else { return "<p class=\"muted\" id=\"\(id)\">No audit entries.</p>" }
        let rows = entries.map { entry -> HTML in
            var target: HTML = "\(entry.target)"
            if entry.target.hasPrefix("workflow:"), let uuid = UUID(uuidString: String(entry.target.dropFirst("workflow:".count))) {
                target = "<a href=\"/admin/workflows/\(DashboardLayout.id(uuid))\">\(entry.target)</a>"
            }
            return """
                <tr><td class="num">\(Int(entry.id))</td><td>\(DashboardLayout.time(entry.at))</td><td>\(entry.actor)</td><td>\(entry.action)</td>\
                <td>\(target)</td><td>\(entry.reason ?? "")</td><td class="outcome-\(entry.outcome)">\(entry.outcome)</td>\
                <td>\(entry.detail ?? "")</td></tr>
                """
        }
        return """
            <table id="\(id)"><tr><th class="num">#</th><th>At</th><th>Actor</th><th>Action</th><th>Target</th><th>Reason</th><th>Outcome</th><th>Detail</th></tr>\(rows)</table>
            """
    }
}
