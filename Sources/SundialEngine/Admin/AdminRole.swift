/// What an admin token may do. Exists so the role matrix lives in one place: the admin API
/// checks it on every route and the README and OpenAPI document describe it.
public enum AdminRole: String, Sendable, Codable, CaseIterable {
    /// Reads everything, changes nothing.
    case viewer
    /// Reads; resumes, retries, cancels, signals and reruns workflows.
    case `operator`
    /// Reads; reruns batches (`POST /admin/v1/batches/{job}/rerun`) and reads their reports.
    /// Cannot cancel orders or steer workflows.
    case finance
    /// Everything, including pausing types, schedules and outbox replays.
    case admin

    /// Whether this role may perform `permission`.
    public func allows(_ permission: AdminPermission) -> Bool {
        switch (self, permission) {
        case (_, .read): true
        case (.admin, _): true
        case (.operator, .steerWorkflows): true
        case (.finance, .batches): true
        default: false
        }
    }
}

/// The kinds of admin calls the roles are checked against.
public enum AdminPermission: String, Sendable, CaseIterable {
    /// Every GET.
    case read
    /// resume, retry, cancel, signal, rerun a workflow.
    case steerWorkflows = "steer_workflows"
    /// Pause and resume types, steer schedules, replay the outbox.
    case fleet
    /// Rerun batch runs (`POST /admin/v1/batches/{job}/rerun`).
    case batches
}
