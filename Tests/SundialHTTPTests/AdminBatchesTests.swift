import Foundation
import HTTPTypes
import Sundial
import SundialEngine
import Testing
import Workflows

@Suite("Admin API: batch runs")
struct AdminBatchesTests {
    static let runs = "/admin/v1/batches/quickbooks-daily/runs"
    static let rerun = "/admin/v1/batches/quickbooks-daily/rerun"

    /// A completed run's stored report with two exceptions, one whose detail needs CSV quoting.
    static func reportJSON(date: String, run: Int, orderWorkflow: UUID) -> String {
        """
        {"business_date":"\(date)","time_zone":"America/Chicago","run_number":\(run),"previous_run_ids":[],"actor":"scheduler",
         "file_name":"sales-summary-\(date)-run\(run).csv","file_bytes":120,"orders":5,"extracted_through":"2026-11-25T06:00:00Z",
         "invoices_created":3,"invoices_found":0,"already_invoiced":0,"matched":3,
         "exceptions":[
          {"order_id":"SO-1","order_workflow_id":"\(orderWorkflow.uuidString)","reason":"amount_mismatch",
           "detail":"captured 10.00, invoiced \\"9.00\\"","captured":"10.00","invoiced":"9.00","invoice_id":"INV-1"},
          {"order_id":"SO-2","order_workflow_id":"\(orderWorkflow.uuidString)","reason":"missing_invoice","detail":"no invoice"}]}
        """
    }

    /// Run 1 of `date` as the schedule starts it, completed with ``reportJSON(date:run:orderWorkflow:)``.
    static func completedRun(_ h: IntakeHarness, date: String) async throws -> (UUID, String) {
        let started = try await h.workflows.start(QuickBooksDailyWorkflow.self, key: "quickbooks-daily/\(date)",
                                                  input: QuickBooksDailyInput(businessDate: date, actor: "scheduler"))
        let report = reportJSON(date: date, run: 1, orderWorkflow: UUID())
        try await h.setWorkflow(started.id, "status = 'completed', state = 'done', finished_at = now(), output = $json$\(report)$json$::jsonb")
        return (started.id, report)
    }

    @Test("rerun by finance: 202 with run n+1 linked to the earlier run, audited; listed with its fields; 409 while it runs")
    func rerunAndList() async throws {
        try await IntakeHarness.with { h in
            let finance = try await h.adminToken(.finance, name: "fin-alice")
            let viewer = try await h.adminToken(.viewer)
            let (first, _) = try await Self.completedRun(h, date: "2026-11-24")
            let answer = try await h.send(.post, Self.rerun, token: finance, json: #"{"date":"2026-11-24","reason":"bank file late"}"#)
            #expect(answer.status == .accepted && answer.isJSON, "\(answer.text)")
            try await h.expectDocumented(answer, "POST", "/admin/v1/batches/{job}/rerun")
            let body = answer.object
            #expect(body["run_number"] as? Int == 2)
            #expect(body["previous_run_ids"] as? [String] == [first.uuidString.lowercased()])
            #expect(body["file_name"] as? String == SalesSummaryRow.fileName(businessDate: "2026-11-24", runNumber: 2))
            let newID = try #require((body["workflow_id"] as? String).flatMap(UUID.init(uuidString:)))
            let created = try await h.workflows.workflow(newID)
            #expect(created.type == QuickBooksDailyWorkflow.name && created.businessKey == "quickbooks-daily/2026-11-24/run2")
            let input = try JSONDecoder.sundial.decode(QuickBooksDailyInput.self, from: Data(created.input.utf8))
            #expect(input.reason == "bank file late" && input.actor == "fin-alice" && input.previousRunIDs == [first])
            #expect(try await h.count("""
                SELECT 1 FROM audit_log WHERE actor = 'fin-alice' AND action = 'batch.rerun' AND target = 'batch:quickbooks-daily'
                  AND reason = 'bank file late' AND outcome = 'ok' AND detail LIKE 'run 2 of 2026-11-24: %'
                """) == 1)

            // Run 2 is still in progress: another rerun of the date is refused (and audited).
            let again = try await h.send(.post, Self.rerun, token: finance, json: #"{"date":"2026-11-24","reason":"again"}"#)
            #expect(again.status == .conflict && again.errorCode == "run_in_progress" && again.isJSON, "\(again.text)")
            #expect(try await h.count("SELECT 1 FROM audit_log WHERE action = 'batch.rerun' AND outcome = 'refused' AND reason = 'again'") == 1)

            // Listed by date (oldest first) and among the recent runs, by any reader.
            let listed = try await h.send(.get, Self.runs + "?date=2026-11-24", token: viewer, contentType: nil)
            #expect(listed.status == .ok, "\(listed.text)")
            try await h.expectDocumented(listed, "GET", "/admin/v1/batches/{job}/runs")
            let rows = listed.object["runs"] as? [[String: Any]] ?? []
            #expect(rows.map { $0["run_number"] as? Int } == [1, 2])
            #expect(rows.first?["workflow_id"] as? String == first.uuidString.lowercased())
            #expect(rows.first?["status"] as? String == "completed" && rows.first?["invoices_created"] as? Int == 3)
            #expect(rows.first?["exceptions"] as? Int == 2 && rows.first?["file_name"] as? String == "sales-summary-2026-11-24-run1.csv")
            #expect(rows.first?["actor"] as? String == "scheduler" && rows.first?["business_date"] as? String == "2026-11-24")
            #expect(rows.last?["reason"] as? String == "bank file late" && rows.last?["actor"] as? String == "fin-alice")
            #expect(rows.last?["status"] as? String == "runnable" && rows.last?["file_name"] == nil)
            #expect(rows.last?["previous_run_ids"] as? [String] == [first.uuidString.lowercased()])
            _ = try await Self.completedRun(h, date: "2026-11-23")
            let recent = try await h.send(.get, Self.runs + "?limit=2", token: viewer, contentType: nil)
            let recentRows = recent.object["runs"] as? [[String: Any]] ?? []
            #expect(recent.status == .ok && recentRows.count == 2)
            #expect(recentRows.allSatisfy { $0["business_date"] as? String == "2026-11-24" }, "newest date first")
            let other = try await h.send(.get, Self.runs + "?date=2026-11-01", token: viewer, contentType: nil)
            #expect(other.status == .ok && (other.object["runs"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("exception report: JSON, CSV by Accept or format=csv (RFC 4180, attachment); 404 unknown run, 409 not finished")
    func exceptionReport() async throws {
        try await IntakeHarness.with { h in
            let finance = try await h.adminToken(.finance)
            let (id, stored) = try await Self.completedRun(h, date: "2026-11-22")
            let path = "\(Self.runs)/\(id.uuidString.lowercased())/exceptions"
            let answer = try await h.send(.get, path, token: finance, contentType: nil)
            #expect(answer.status == .ok && answer.isJSON, "\(answer.text)")
            try await h.expectDocumented(answer, "GET", "/admin/v1/batches/{job}/runs/{workflow_id}/exceptions")
            let exceptions = answer.object["exceptions"] as? [[String: Any]] ?? []
            #expect(exceptions.map { $0["reason"] as? String } == ["amount_mismatch", "missing_invoice"])
            #expect(exceptions.first?["captured"] as? String == "10.00" && exceptions.first?["invoice_id"] as? String == "INV-1")
            #expect((exceptions.first?["order_workflow_id"] as? String).map { $0 == $0.lowercased() } == true)
            #expect(answer.object["run_number"] as? Int == 1 && answer.object["business_date"] as? String == "2026-11-22")

            let report = try JSONDecoder.sundial.decode(QuickBooksDailyReport.self, from: Data(stored.utf8))
            for csv in [try await h.send(.get, path, token: finance, contentType: nil, headers: [("Accept", "text/csv")]),
                        try await h.send(.get, path + "?format=csv", token: finance, contentType: nil)] {
                #expect(csv.status == .ok)
                #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
                #expect(csv.headers[.contentDisposition] == #"attachment; filename="quickbooks-daily-2026-11-22-run1-exceptions.csv""#)
                #expect(csv.text == report.exceptionsCSV)
                #expect(csv.text.hasPrefix("order_id,order_workflow_id,reason,detail,captured,invoiced,invoice_id\r\n"))
                #expect(csv.text.contains(#""captured 10.00, invoiced ""9.00""""#))
            }
            // format=json wins over Accept.
            let json = try await h.send(.get, path + "?format=json", token: finance, contentType: nil, headers: [("Accept", "text/csv")])
            #expect(json.status == .ok && json.isJSON)

            let unknown = try await h.send(.get, "\(Self.runs)/\(UUID().uuidString.lowercased())/exceptions", token: finance, contentType: nil)
            #expect(unknown.status == .notFound && unknown.errorCode == "run_not_found" && unknown.isJSON)
            let order = try await h.startOrder("SO-BATCH")
            let notBatch = try await h.send(.get, "\(Self.runs)/\(order.uuidString.lowercased())/exceptions", token: finance, contentType: nil)
            #expect(notBatch.status == .notFound && notBatch.errorCode == "run_not_found")
            let running = try await h.workflows.start(QuickBooksDailyWorkflow.self, key: "quickbooks-daily/2026-11-21",
                                                      input: QuickBooksDailyInput(businessDate: "2026-11-21", actor: "scheduler"))
            let notDone = try await h.send(.get, "\(Self.runs)/\(running.id.uuidString.lowercased())/exceptions?format=csv", token: finance, contentType: nil)
            #expect(notDone.status == .conflict && notDone.errorCode == "run_not_finished" && notDone.isJSON, "\(notDone.text)")
            try await h.expectDocumented(notDone, "GET", "/admin/v1/batches/{job}/runs/{workflow_id}/exceptions")
            let badID = try await h.send(.get, "\(Self.runs)/12345/exceptions", token: finance, contentType: nil)
            #expect(badID.status == .badRequest && badID.errorCode == "invalid_id")
            let badFormat = try await h.send(.get, path + "?format=xml", token: finance, contentType: nil)
            #expect(badFormat.status == .badRequest && badFormat.fields["format"] != nil)
            let otherJob = try await h.send(.get, "/admin/v1/batches/payroll/runs/\(id.uuidString.lowercased())/exceptions",
                                            token: finance, contentType: nil)
            #expect(otherJob.status == .notFound && otherJob.errorCode == "batch_job_not_found")
        }
    }

    @Test("roles and bad input: operator and viewer refused (audited), finance and admin allowed; bad dates, reasons, jobs are 4xx")
    func rolesAndBadInput() async throws {
        try await IntakeHarness.with { h in
            var tokens: [AdminRole: String] = [:]
            for role in AdminRole.allCases { tokens[role] = try await h.adminToken(role) }
            for role in [AdminRole.viewer, .operator] {
                let answer = try await h.send(.post, Self.rerun, token: tokens[role], json: #"{"date":"2026-11-20","reason":"x"}"#)
                #expect(answer.status == .forbidden && answer.errorCode == "forbidden" && answer.isJSON, "\(role)")
            }
            #expect(try await h.count("""
                SELECT 1 FROM audit_log WHERE action = 'batch.rerun' AND target = 'batch:quickbooks-daily' AND outcome = 'refused'
                  AND detail LIKE 'forbidden%'
                """) == 2)
            for (role, date) in [(AdminRole.finance, "2026-11-19"), (.admin, "2026-11-18")] {
                let answer = try await h.send(.post, Self.rerun, token: tokens[role], json: #"{"date":"\#(date)","reason":"x"}"#)
                #expect(answer.status == .accepted, "\(role): \(answer.text)")
            }
            for role in AdminRole.allCases {
                #expect(try await h.send(.get, Self.runs, token: tokens[role], contentType: nil).status == .ok, "\(role)")
            }
            #expect(try await h.send(.get, Self.runs, contentType: nil).status == .unauthorized)
            #expect(try await h.send(.post, Self.rerun, json: #"{"date":"2026-11-20","reason":"x"}"#).status == .unauthorized)

            let before = try await h.count("SELECT 1 FROM workflows")
            let admin = tokens[.admin]
            for (body, field) in [(#"{"date":"2026-11-20"}"#, "reason"), (#"{"reason":"x"}"#, "date"),
                                  (#"{"date":"2026-02-30","reason":"x"}"#, "date"), (#"{"date":"20261120","reason":"x"}"#, "date"),
                                  (#"{"date":"2026-11-20","reason":"   "}"#, "reason"), (#"{"date":7,"reason":"x"}"#, "date"),
                                  (#"{"date":"2026-11-20","reason":"x","run":3}"#, "run")] {
                let answer = try await h.send(.post, Self.rerun, token: admin, json: body)
                #expect(answer.status == .unprocessableContent && answer.fields[field] != nil && answer.isJSON, "\(body): \(answer.text)")
            }
            let malformed = try await h.send(.post, Self.rerun, token: admin, json: "{not json")
            #expect(malformed.status == .badRequest && malformed.isJSON)
            let unknownJob = try await h.send(.post, "/admin/v1/batches/payroll/rerun", token: admin, json: #"{"date":"2026-11-20","reason":"x"}"#)
            #expect(unknownJob.status == .notFound && unknownJob.errorCode == "batch_job_not_found" && unknownJob.isJSON)
            #expect(try await h.count("SELECT 1 FROM workflows") == before)

            for query in ["?date=2026-13-01", "?date=yesterday", "?date=2026-11-20&date=2026-11-21", "?limit=0", "?limit=1001", "?job=x"] {
                let answer = try await h.send(.get, Self.runs + query, token: admin, contentType: nil)
                #expect(answer.status == .badRequest && answer.errorCode == "invalid_query" && answer.isJSON, "\(query): \(answer.text)")
            }
            let unknownList = try await h.send(.get, "/admin/v1/batches/payroll/runs", token: admin, contentType: nil)
            #expect(unknownList.status == .notFound && unknownList.errorCode == "batch_job_not_found")
        }
    }
}
