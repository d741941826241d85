import Foundation
import HTTPTypes
import SundialEngine
import Testing

@Suite("Refusals are audited without storing what the caller sent")
struct RefusalAuditTests {
    static let huge = String(repeating: "x", count: 100_000)

    /// The newest audit row of `action`: (target, reason, detail).
    static func lastRow(_ h: IntakeHarness, action: String) async throws -> (String, String?, String?)? {
        let rows = try await h.postgres.query("""
            SELECT target, reason, detail FROM audit_log WHERE action = \(action) ORDER BY id DESC LIMIT 1
            """, logger: h.logger)
        for try await row in rows.decode((String, String?, String?).self) { return row }
        return nil
    }

    @Test("a 403 from the API stores the validated target or the path template, never the raw path or query")
    func apiForbidden() async throws {
        try await IntakeHarness.with { h in
            let viewer = try await h.adminToken(.viewer)
            let id = UUID().uuidString.lowercased()
            let huge = Self.huge
            let cases: [(String, String, String)] = [
                ("/admin/v1/types/\(huge)/pause?\(huge)=1", "type.pause", "/admin/v1/types/{type}/pause"),
                ("/admin/v1/types/order/resume?note=\(huge)", "type.resume", "type:order"),
                ("/admin/v1/schedules/\(String(repeating: "n", count: 201))/pause", "schedule.pause", "/admin/v1/schedules/{name}/pause"),
                ("/admin/v1/schedules/nightly/trigger?\(huge)", "schedule.trigger", "schedule:nightly"),
                ("/admin/v1/workflows/\(huge)/cancel", "workflow.cancel", "/admin/v1/workflows/{id}/cancel"),
                ("/admin/v1/workflows/\(id)/cancel?reason=\(huge)", "workflow.cancel", "workflow:\(id)"),
                ("/admin/v1/outbox/\(huge)/replay", "outbox.replay", "/admin/v1/outbox/{id}/replay"),
                ("/admin/v1/outbox/42/replay", "outbox.replay", "outbox:42"),
                ("/admin/v1/batches/\(huge)/rerun", "batch.rerun", "/admin/v1/batches/{job}/rerun"),
                ("/admin/v1/batches/quickbooks-daily/rerun", "batch.rerun", "batch:quickbooks-daily"),
            ]
            for (path, action, target) in cases {
                let answer = try await h.send(.post, path, token: viewer, json: #"{"reason":"x"}"#)
                #expect(answer.status == .forbidden && answer.errorCode == "forbidden", "\(path.prefix(80)): \(answer.text.prefix(200))")
                let row = try await Self.lastRow(h, action: action)
                #expect(row?.0 == target, "\(path.prefix(80))")
                #expect(row?.1 == nil)
            }
            let largest = try await h.count("SELECT 1 FROM audit_log WHERE length(target) + length(coalesce(detail, '')) + length(coalesce(reason, '')) > 400")
            #expect(largest == 0)
            #expect(try await h.count("SELECT 1 FROM audit_log WHERE outcome = 'refused'") == cases.count)
        }
    }

    @Test("a 403 from the dashboard keeps a short reason only, and the validated target")
    func dashboardForbidden() async throws {
        try await IntakeHarness.with { h in
            let viewer = try await h.dashboardLogin(.viewer)
            let id = try await h.startOrder("SO-403")
            let huge = String(Self.huge.prefix(15_000))  // the form cap is 16 KiB
            let long = try await h.post(viewer, "/admin/workflows/\(id.uuidString.lowercased())/cancel", [("reason", huge)])
            #expect(long.status == .forbidden)
            let row = try await Self.lastRow(h, action: "workflow.cancel")
            #expect(row?.0 == "workflow:\(id.uuidString.lowercased())" && row?.1 == nil)
            let short = try await h.post(viewer, "/admin/workflows/\(Self.huge.prefix(5000))/cancel", [("reason", "customer asked")])
            #expect(short.status == .forbidden)
            let second = try await Self.lastRow(h, action: "workflow.cancel")
            #expect(second?.0 == "/admin/workflows/{id}/cancel" && second?.1 == "customer asked")
        }
    }
}
