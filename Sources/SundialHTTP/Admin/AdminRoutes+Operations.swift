import Hummingbird
import SundialEngine

extension AdminRoutes {
    /// Every operation of the admin API. Describe each in ``AdminOpenAPI/document``; the OpenAPI
    /// test fails until both agree.
    var operations: [AdminOperation] {
        let p = Self.prefix
        return [
            AdminOperation(method: .get, path: "\(p)/openapi.json", permission: nil, auditAction: nil) { _, _, _ in
                AdminOpenAPI.response()
            },
            AdminOperation(method: .get, path: "\(p)/workflows", permission: .read, auditAction: nil) { request, _, _ in
                try await listWorkflows(request)
            },
            AdminOperation(method: .get, path: "\(p)/workflows/{id}", permission: .read, auditAction: nil) { request, context, _ in
                try await showWorkflow(request, context)
            },
            AdminOperation(method: .get, path: "\(p)/workflows/{id}/explain", permission: .read, auditAction: nil) { request, context, _ in
                try await explainWorkflow(request, context)
            },
            AdminOperation(method: .get, path: "\(p)/workflows/{id}/history", permission: .read, auditAction: nil) { request, context, _ in
                try await workflowHistory(request, context)
            },
            AdminOperation(method: .get, path: "\(p)/workflows/{id}/signals", permission: .read, auditAction: nil) { request, context, _ in
                try await workflowSignals(request, context)
            },
            AdminOperation(method: .post, path: "\(p)/workflows/{id}/resume", permission: .steerWorkflows, auditAction: "workflow.resume") {
                request, context, principal in try await resume(request, context, principal)
            },
            AdminOperation(method: .post, path: "\(p)/workflows/{id}/retry", permission: .steerWorkflows, auditAction: "workflow.retry") {
                request, context, principal in try await retry(request, context, principal)
            },
            AdminOperation(method: .post, path: "\(p)/workflows/{id}/cancel", permission: .steerWorkflows, auditAction: "workflow.cancel") {
                request, context, principal in try await cancel(request, context, principal)
            },
            AdminOperation(method: .post, path: "\(p)/workflows/{id}/signal", permission: .steerWorkflows, auditAction: "workflow.signal") {
                request, context, principal in try await signal(request, context, principal)
            },
            AdminOperation(method: .post, path: "\(p)/workflows/{id}/rerun", permission: .steerWorkflows, auditAction: "workflow.rerun") {
                request, context, principal in try await rerun(request, context, principal)
            },
            AdminOperation(method: .get, path: "\(p)/types", permission: .read, auditAction: nil) { request, _, _ in
                try await listTypes(request)
            },
            AdminOperation(method: .post, path: "\(p)/types/{type}/pause", permission: .fleet, auditAction: "type.pause") {
                request, context, principal in try await pauseType(request, context, principal)
            },
            AdminOperation(method: .post, path: "\(p)/types/{type}/resume", permission: .fleet, auditAction: "type.resume") {
                request, context, principal in try await resumeType(request, context, principal)
            },
            AdminOperation(method: .get, path: "\(p)/workers", permission: .read, auditAction: nil) { request, _, _ in
                try await listWorkers(request)
            },
            AdminOperation(method: .get, path: "\(p)/schedules", permission: .read, auditAction: nil) { request, _, _ in
                try await listSchedules(request)
            },
            AdminOperation(method: .post, path: "\(p)/schedules/{name}/pause", permission: .fleet, auditAction: "schedule.pause") {
                request, context, principal in try await steerSchedule(request, context, principal, .pause)
            },
            AdminOperation(method: .post, path: "\(p)/schedules/{name}/resume", permission: .fleet, auditAction: "schedule.resume") {
                request, context, principal in try await steerSchedule(request, context, principal, .resume)
            },
            AdminOperation(method: .post, path: "\(p)/schedules/{name}/trigger", permission: .fleet, auditAction: "schedule.trigger") {
                request, context, principal in try await steerSchedule(request, context, principal, .trigger)
            },
            AdminOperation(method: .get, path: "\(p)/outbox/parked", permission: .read, auditAction: nil) { request, _, _ in
                try await listParked(request)
            },
            AdminOperation(method: .post, path: "\(p)/outbox/{id}/replay", permission: .fleet, auditAction: "outbox.replay") {
                request, context, principal in try await replay(request, context, principal)
            },
            AdminOperation(method: .get, path: "\(p)/audit", permission: .read, auditAction: nil) { request, _, _ in
                try await listAudit(request)
            },
            AdminOperation(method: .get, path: "\(p)/batches/{job}/runs", permission: .read, auditAction: nil) { request, context, _ in
                try await listBatchRuns(request, context)
            },
            AdminOperation(method: .get, path: "\(p)/batches/{job}/runs/{workflow_id}/exceptions", permission: .read, auditAction: nil) {
                request, context, _ in try await batchRunExceptions(request, context)
            },
            AdminOperation(method: .post, path: "\(p)/batches/{job}/rerun", permission: .batches, auditAction: "batch.rerun") {
                request, context, principal in try await rerunBatch(request, context, principal)
            },
        ]
    }
}
