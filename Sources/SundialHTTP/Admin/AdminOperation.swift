import Hummingbird
import SundialEngine

/// One operation of the admin API: method, path (OpenAPI template syntax, which Hummingbird's
/// router shares), the permission it needs (nil: public) and its handler. The router is built
/// from the list of these, and the OpenAPI test compares the same list with the document, so
/// what is served and what is documented cannot drift apart.
struct AdminOperation: Sendable {
    typealias Handler = @Sendable (Request, BasicRequestContext, AdminPrincipal?) async throws -> Response

    let method: HTTPRequest.Method
    let path: String
    let permission: AdminPermission?
    /// The audit action a refused (403) call is recorded as; nil for reads.
    let auditAction: String?
    let handler: Handler
}
