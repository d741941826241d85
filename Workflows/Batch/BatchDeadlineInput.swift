/// Which batch date a deadline check looks at: the job (a workflow type), the business date
/// and the store time zone its deadline (midnight at the end of the date) is read in.
public struct BatchDeadlineInput: Codable, Sendable, Equatable {
    public var job: String
    public var businessDate: String
    public var timeZone: String

    enum CodingKeys: String, CodingKey {
        case job, businessDate = "business_date", timeZone = "time_zone"
    }

    public init(job: String, businessDate: String, timeZone: String) {
        self.job = job
        self.businessDate = businessDate
        self.timeZone = timeZone
    }
}
