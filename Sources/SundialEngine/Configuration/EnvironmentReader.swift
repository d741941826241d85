import Foundation

/// Reads typed settings from environment variables, refusing malformed values with a message
/// that names the variable.
public struct EnvironmentReader: Sendable {
    public let values: [String: String]

    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    public func string(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    public func int(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw = string(name) else { return fallback }
        guard let value = Int(raw), range.contains(value) else {
            throw ConfigurationError(setting: name, problem: "expected a whole number from \(range.lowerBound) to \(range.upperBound), got '\(raw)'")
        }
        return value
    }

    public func double(_ name: String, default fallback: Double, range: ClosedRange<Double>, unit: String) throws -> Double {
        guard let raw = string(name) else { return fallback }
        guard let value = Double(raw), range.contains(value) else {
            throw ConfigurationError(setting: name, problem: "expected \(unit) from \(range.lowerBound) to \(range.upperBound), got '\(raw)'")
        }
        return value
    }

    public func seconds(_ name: String, default fallback: Duration, range: ClosedRange<Double>) throws -> Duration {
        guard let raw = string(name) else { return fallback }
        guard let value = Double(raw), range.contains(value) else {
            throw ConfigurationError(setting: name, problem: "expected seconds from \(range.lowerBound) to \(range.upperBound), got '\(raw)'")
        }
        return .milliseconds(Int64((value * 1000).rounded()))
    }
}
