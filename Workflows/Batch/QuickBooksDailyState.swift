import Sundial

/// The states of the nightly accounting batch, in order: read the day's orders, upload the
/// sales summary, invoice in chunks (re-entered once per chunk), reconcile in chunks.
public enum QuickBooksDailyState: String, Codable, Sendable, CaseIterable, WorkflowState {
    case extract, upload, invoice, reconcile
}
