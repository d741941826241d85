import Foundation
import Sundial

/// What a deadline check found: whether the batch of the date completed by its deadline, and
/// the runs it saw (id, status, state), so an operator goes straight to the stuck one.
public struct BatchDeadlineResult: Codable, Sendable, Equatable {
    /// One run of the date as the check saw it.
    public struct Run: Codable, Sendable, Equatable {
        public var id: UUID
        public var status: String
        public var state: String
    }

    public var job: String
    public var businessDate: String
    public var deadline: Date
    public var missed: Bool
    public var runs: [Run]

    enum CodingKeys: String, CodingKey {
        case job, businessDate = "business_date", deadline, missed, runs
    }

    /// Missed unless some run completed at or before `deadline`.
    public init(job: String, businessDate: String, deadline: Date, runs: [WorkflowRunRecord]) {
        self.job = job
        self.businessDate = businessDate
        self.deadline = deadline
        self.missed = !runs.contains { $0.status == "completed" && ($0.finishedAt ?? .distantFuture) <= deadline }
        self.runs = runs.map { Run(id: $0.id, status: $0.status, state: $0.state) }
    }
}
