import Foundation
import Hummingbird
import Logging
import Sundial
import SundialEngine

/// The admin API under `/admin/v1` (issue #5): workflows (list, detail, explain, resume, retry,
/// cancel, signal, rerun), types (pause, resume), the fleet of workers, schedules, parked outbox
/// messages and the audit trail, behind admin tokens with roles. Described by
/// ``AdminOpenAPI/document``, served at `/admin/v1/openapi.json`.
/// Batch runs (`/admin/v1/batches/{job}`: runs, exception reports, finance reruns) are one more
/// group of ``operations``.
public struct AdminRoutes: Sendable {
    public static let prefix = "/admin/v1"

    let workflows: WorkflowClient
    let schedules: [ScheduleDeclaration]
    let logger: Logger

    var store: WorkflowStore { workflows.store }
    var authentication: AdminAuthentication { AdminAuthentication(store: store) }

    /// Every operation served, as (method, path template): what the OpenAPI test compares.
    var served: [(method: String, path: String)] { operations.map { ($0.method.rawValue, $0.path) } }

    func register(on router: Router<BasicRequestContext>) {
        let operations = self.operations
        for operation in operations {
            let authentication = self.authentication
            router.on(RouterPath(operation.path), method: operation.method) { request, context in
                var principal: AdminPrincipal?
                if let permission = operation.permission {
                    let caller = try await authentication.authenticate(request)
                    guard caller.role.allows(permission) else {
                        // Recorded with a validated target, never the raw path or query (RefusalAudit).
                        if let action = operation.auditAction {
                            await AdminActions(workflows: workflows, actor: caller.name).recordRefusal(
                                action: action, target: RefusalAudit.target(of: operation.path, context: context), reason: nil,
                                why: "forbidden: role \(caller.role.rawValue) lacks \(permission.rawValue)")
                        }
                        throw AdminAuthentication.forbidden(caller, permission)
                    }
                    principal = caller
                }
                do {
                    return try await operation.handler(request, context, principal)
                } catch {
                    throw Self.apiError(error)
                }
            }
        }
        var methods: [String: [HTTPRequest.Method]] = [:]
        for operation in operations { methods[operation.path, default: []].append(operation.method) }
        for (path, allowed) in methods { router.refuseOtherMethods(RouterPath(path), allowed: allowed) }
    }

    /// Engine refusals as the API's JSON answers: 404, 409 with the reason, 422 naming fields,
    /// 503 `query_timeout` for a statement the admin pool's statement timeout cut.
    static func apiError(_ error: any Error) -> any Error {
        switch error {
        case let error as APIError: return error
        case StoreError.notFound(let id):
            return APIError.notFound("workflow_not_found", "no workflow \(id.uuidString.lowercased())")
        case StoreError.invalidStatus(_, let status, let action, let expected):
            return APIError.conflict("precondition_failed", "cannot \(action): the workflow is \(status); \(action) needs \(expected)",
                                     details: ["reason": "\(action) needs \(expected)", "status": status])
        case StoreError.cancelRefused(_, let reason):
            return APIError.conflict("cancel_refused", "the workflow refuses to be cancelled: \(reason)", details: ["reason": reason])
        case StoreError.conflictingInput(let type, let key, let existing):
            return APIError.conflict("conflicting_start", "\(type) \(key) was already started (\(existing.uuidString.lowercased())) with another input",
                                     details: ["reason": "already started with another input"])
        case StoreError.unknownType(let type):
            return APIError.conflict("type_unknown", "no workflow type '\(type)' is registered", details: ["reason": "unknown type"])
        case let error as InputError:
            return APIError.unprocessable("invalid_body", OrderRoutes.summary(error.fields), fields: error.fields)
        case let refusal as AdminRefusal:
            switch refusal.kind {
            case .notFound: return APIError.notFound(refusal.code, refusal.message)
            case .conflict: return APIError.conflict(refusal.code, refusal.message, details: ["reason": refusal.message])
            }
        default: return StatementTimeout.refusal(error) ?? error
        }
    }

    /// A workflow id from the path, or 400 `invalid_id`.
    static func workflowID(_ context: BasicRequestContext) throws -> UUID {
        let text = context.parameters.get("id") ?? ""
        guard text.count == 36, let id = UUID(uuidString: text) else {
            throw APIError.badRequest("invalid_id", "'\(text.prefix(64))' is not a workflow id (a UUID)")
        }
        return id
    }

    static func actions(_ workflows: WorkflowClient, _ principal: AdminPrincipal?) -> AdminActions {
        AdminActions(workflows: workflows, actor: principal?.name ?? "anonymous")
    }
}
