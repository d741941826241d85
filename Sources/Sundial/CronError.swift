import Foundation

/// Why a cron expression or a schedule declaration was rejected.
///
/// Schedules are declared in code and stored as text, so a bad declaration must surface as a
/// readable error naming the offending field and token (`hour: 24 is out of range 0-23`),
/// never as a crash.
public struct CronError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The part that was rejected: `minute`, `hour`, `day-of-month`, `month`, `day-of-week`,
    /// `expression` (the text as a whole) or `time zone`.
    public let field: String
    /// The full explanation, starting with the field name.
    public let message: String

    public init(field: String, _ reason: String) {
        self.field = field
        self.message = "\(field): \(reason)"
    }

    public var description: String { message }
}
