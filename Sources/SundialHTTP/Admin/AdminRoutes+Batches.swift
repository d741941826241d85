import Foundation
import Hummingbird
import Sundial
import SundialEngine
import Workflows

extension AdminRoutes {
    /// The batch job named in the path, or 404 `batch_job_not_found`.
    static func batchJob(_ context: BasicRequestContext) throws -> String {
        let job = context.parameters.get("job") ?? ""
        guard BatchJobs.isKnown(job) else {
            throw APIError.notFound("batch_job_not_found",
                                    "no batch job '\(job.prefix(64))' (known: \(BatchJobs.names.joined(separator: ", ")))")
        }
        return job
    }

    /// Whether `date` is a `YYYY-MM-DD` calendar date (the store calendar's own check).
    static func isBusinessDate(_ date: String) -> Bool { BatchRerunAction.isBusinessDate(date) }

    /// `GET /admin/v1/batches/{job}/runs?date=&limit=&cursor=`: the runs of one business date
    /// oldest first, or the newest runs of every date; the same rows as `sundial batches list`,
    /// one page at a time.
    func listBatchRuns(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let job = try Self.batchJob(context)
        var query = AdminQuery(request, allowed: ["date", "limit", "cursor"])
        let date = query.string("date", max: 10)
        if let date, !Self.isBusinessDate(date) { query.note("date", "must be a calendar date YYYY-MM-DD") }
        let limit = query.limit(PageSize.batchRuns)
        let after = query.cursor()
        try query.check()
        let page: Page<WorkflowRunRecord>
        do {
            page = if let date {
                try await store.runsPage(type: job, businessDate: date, after: after, limit: limit)
            } else {
                try await store.recentRunsPage(type: job, after: after, limit: limit)
            }
        } catch let error as InputError {
            throw APIError(.badRequest, code: "invalid_query", message: OrderRoutes.summary(error.fields), fields: error.fields)
        }
        let runs = page.rows.compactMap(BatchRunSummary.init)
        let dateMember: Any = if let date { date } else { NSNull() }
        return JSONResponse.make(["job": job, "date": dateMember, "runs": AdminJSON.object(runs), "next_cursor": page.next?.token ?? NSNull()])
    }

    /// `GET /admin/v1/batches/{job}/runs/{workflow_id}/exceptions[?format=csv]`: the run's
    /// reconciliation exception report as JSON, or (`Accept: text/csv` or `format=csv`) as an
    /// RFC 4180 CSV download. 404 for an unknown run, 409 while it has no report.
    func batchRunExceptions(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let job = try Self.batchJob(context)
        var query = AdminQuery(request, allowed: ["format"])
        let format = query.string("format", max: 10)
        if let format, !["json", "csv"].contains(format) { query.note("format", "must be json or csv") }
        try query.check()
        let text = context.parameters.get("workflow_id") ?? ""
        guard text.count == 36, let id = UUID(uuidString: text) else {
            throw APIError.badRequest("invalid_id", "'\(text.prefix(64))' is not a workflow id (a UUID)")
        }
        let report = try await Self.batchReport(job: job, id: id, workflows: workflows)
        let wantsCSV = format == "csv" || (format == nil && (request.headers[.accept] ?? "").lowercased().contains("text/csv"))
        if wantsCSV {
            var headers = HTTPFields()
            headers[.contentType] = "text/csv; charset=utf-8; header=present"
            let name = "\(job)-\(report.businessDate)-run\(report.runNumber)-exceptions.csv"
            headers[.contentDisposition] = "attachment; filename=\"\(name)\""
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: report.exceptionsCSV)))
        }
        return JSONResponse.make([
            "job": job, "workflow_id": AdminJSON.id(id), "business_date": report.businessDate, "run_number": report.runNumber,
            "file_name": report.fileName, "orders": report.orders, "matched": report.matched,
            "exceptions": AdminJSON.object(report.exceptions),
        ])
    }

    /// `POST /admin/v1/batches/{job}/rerun` `{"date", "reason"}`: 202 with the new run (number
    /// n+1, linked to the earlier runs, as `sundial batches rerun`); 409 while a run of that date
    /// is in progress. Audited as `batch.rerun` on `batch:<job>`.
    func rerunBatch(_ request: Request, _ context: BasicRequestContext, _ principal: AdminPrincipal?) async throws -> Response {
        let job = try Self.batchJob(context)
        let body = try await AdminBody.read(request, ["date": .required(.string), "reason": .required(.string)])
        let date = body["date"]?.stringValue ?? ""
        let reason = body["reason"]?.stringValue ?? ""
        guard Self.isBusinessDate(date) else {
            throw APIError.unprocessable("invalid_body", "date: must be a calendar date YYYY-MM-DD",
                                         fields: ["date": "must be a calendar date YYYY-MM-DD"])
        }
        let (started, input) = try await BatchRerunAction.start(job: job, date: date, reason: reason, workflows: workflows,
                                                              actions: Self.actions(workflows, principal))
        var headers = HTTPFields()
        headers[.location] = "\(Self.prefix)/workflows/\(AdminJSON.id(started.id))"
        return JSONResponse.make([
            "job": job, "action": "rerun", "outcome": "ok", "business_date": date, "run_number": input.runNumber,
            "workflow_id": AdminJSON.id(started.id), "previous_run_ids": input.previousRunIDs.map(AdminJSON.id),
            "file_name": SalesSummaryRow.fileName(businessDate: date, runNumber: input.runNumber), "status": started.status.rawValue,
        ], status: .accepted, headers: headers)
    }

    /// The exception report of run `id` of `job`: 404 `run_not_found` for an unknown run or one
    /// of another job, 409 `run_not_finished` while it has no report. Shared by the JSON route and
    /// the dashboard's finance page.
    static func batchReport(job: String, id: UUID, workflows: WorkflowClient) async throws -> QuickBooksDailyReport {
        let snapshot: WorkflowSnapshot
        do {
            snapshot = try await workflows.workflow(id)
        } catch StoreError.notFound {
            throw APIError.notFound("run_not_found", "no run \(AdminJSON.id(id)) of \(job)")
        }
        let lookup = BatchRunReportLookup(job: job, type: snapshot.type, status: snapshot.status.rawValue, state: snapshot.state,
                                          outputJSON: snapshot.output, lastError: snapshot.lastError)
        switch lookup {
        case .report(let found): return found
        case .notABatchRun: throw APIError.notFound("run_not_found", lookup.problem(id) ?? "not a run of \(job)")
        case .notFinished(let status, _, _):
            throw APIError.conflict("run_not_finished", lookup.problem(id) ?? "the run has not finished",
                                    details: ["reason": "the run has not completed", "status": status])
        }
    }
}
