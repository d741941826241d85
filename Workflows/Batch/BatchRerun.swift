import Foundation
import Sundial

/// A finance rerun of one business date of the accounting batch: the next run number, the
/// earlier runs' ids, the reason and the actor. Exists so the CLI and later the admin API number
/// and key reruns the same way: key `quickbooks-daily/<date>/run<n>`, so two operators asking at
/// once start one run.
public struct BatchRerun: Sendable, Equatable {
    public let key: String
    public let input: QuickBooksDailyInput

    /// Refuses (``InputError``) a missing reason, a bad date, or a date with a run still in
    /// progress (two runs of one date at once would race for the same invoices' bookkeeping).
    public init(businessDate: String, earlierRuns: [WorkflowRunRecord], reason: String, actor: String,
                timeZone: String = StoreCalendar.defaultTimeZone) throws {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw InputError(field: "reason", "is required for a rerun") }
        let runs = earlierRuns.compactMap { record in
            (try? JSONDecoder.sundial.decode(QuickBooksDailyInput.self, from: Data(record.inputJSON.utf8))).map { (record, $0) }
        }
        if let active = runs.first(where: { Self.activeStatuses.contains($0.0.status) }) {
            throw InputError(field: "business_date", "run \(active.1.runNumber) of \(businessDate) (\(active.0.id.uuidString.lowercased())) is still \(active.0.status) in \(active.0.state); wait for it to finish or cancel it first")
        }
        let number = (runs.map(\.1.runNumber).max() ?? 0) + 1
        let input = QuickBooksDailyInput(
            businessDate: businessDate, timeZone: runs.last?.1.timeZone ?? timeZone, runNumber: number,
            previousRunIDs: runs.map(\.0.id), reason: reason, actor: actor)
        try QuickBooksDailyWorkflow.validate(input)
        self.input = input
        self.key = "\(QuickBooksDailyWorkflow.name)/\(businessDate)/run\(number)"
    }

    static let activeStatuses: Set<String> = ["runnable", "sleeping", "waiting", "compensating"]
}
