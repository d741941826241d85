/// A setting that is missing or malformed, named so the operator knows what to fix.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The environment variable (or flag) at fault, e.g. `SUNDIAL_CONCURRENCY`.
    public let setting: String
    public let problem: String

    public init(setting: String, problem: String) {
        self.setting = setting
        self.problem = problem
    }

    public var description: String { "\(setting): \(problem)" }
}
