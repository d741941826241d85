/// The operator actions the workflow page offers as forms, each posted to
/// `/admin/workflows/{id}/<action>` and performed by ``SundialEngine/AdminActions`` exactly as the
/// JSON API's `POST /admin/v1/workflows/{id}/<action>`. Exists to list them once for the router,
/// the forms and the confirmation banner.
enum WorkflowAction: String, CaseIterable, Sendable {
    case resume, retry, cancel, signal, rerun

    /// What the action needs to hold, shown above its form (the server checks it and answers
    /// 409 with the reason when it does not hold).
    var precondition: String {
        switch self {
        case .resume: "Failed or compensation_failed, or parked awaiting an operator's resume: runs the current state (or the compensation) again."
        case .retry: "Backing off after a failed attempt: the next attempt runs now instead of after the wait."
        case .cancel: "Not finished, and the workflow does not refuse it (an order already with the carrier does): runs the compensations."
        case .signal: "Not finished: delivers a named signal; a repeated signal id changes nothing."
        case .rerun: "Finished or failed: starts a new run from the chosen state, linked to this one."
        }
    }

    /// The banner after it was done.
    var done: String {
        switch self {
        case .resume: "Resumed."
        case .retry: "Retry scheduled now."
        case .cancel: "Cancel requested; the compensations run next."
        case .signal: "Signal sent."
        case .rerun: "A new run was started from the chosen state; this is it."
        }
    }
}
