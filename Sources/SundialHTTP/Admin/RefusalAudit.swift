import Foundation
import Hummingbird
import SundialEngine
import Workflows

/// What a call refused for its role (403) leaves in the audit trail. Such a call comes before
/// any of the route's own checks, with a path and form that may be of any size, so nothing of it
/// is stored as sent: the target is the validated form of the path's parameter (`workflow:<uuid>`,
/// `outbox:<n>`, `type:<name>`, `schedule:<name>`, `batch:<known job>`) or, when the parameter is
/// not valid, the operation's path template (`/admin/v1/types/{type}/pause`); the query string is
/// never stored; a reason is kept only when it is short plain text.
enum RefusalAudit {
    /// The longest name (type, schedule) or reason kept, in code points, as the routes accept them.
    static let maxText = 200

    /// The audit target of a refused call to the operation at `template`.
    static func target(of template: String, context: BasicRequestContext) -> String {
        if template.contains("{job}") {
            guard let job = context.parameters.get("job"), BatchJobs.isKnown(job) else { return template }
            return "batch:\(job)"
        }
        if template.contains("/outbox/{id}") {
            guard let id = context.parameters.get("id").flatMap(Int64.init), id > 0 else { return template }
            return "outbox:\(id)"
        }
        if template.contains("{id}") {
            guard let text = context.parameters.get("id"), text.count == 36, let id = UUID(uuidString: text) else { return template }
            return AdminActions.target(id)
        }
        if template.contains("{type}") {
            guard let type = context.parameters.get("type"), isPlainName(type) else { return template }
            return "type:\(type)"
        }
        if template.contains("{name}") {
            guard let name = context.parameters.get("name"), isPlainName(name) else { return template }
            return "schedule:\(name)"
        }
        return template
    }

    /// `reason` when it is 1 to ``maxText`` code points of text without control characters, else nil.
    static func reason(_ reason: String?) -> String? {
        guard let reason, isPlainName(reason) else { return nil }
        return reason
    }

    private static func isPlainName(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.count <= maxText && !AdminText.hasControlCharacters(text)
    }
}
