import Foundation
import SundialEngine

/// A rate as operators write it (`100/1m`, `5/1s`, `1000/1h`, `20/30s`): how many calls a
/// client may make per window. Parsed from `SUNDIAL_INTAKE_RATE`; the token bucket refills the
/// whole allowance evenly over the window and holds at most one window's worth.
public struct RatePerWindow: Sendable, Equatable, CustomStringConvertible {
    public let calls: Int
    public let window: Duration

    public init(calls: Int, window: Duration) {
        self.calls = calls
        self.window = window
    }

    /// `N/W` where W is a number (optional, 1) followed by `s`, `m` or `h`.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let calls = Int(parts[0]), calls > 0 else { return nil }
        var unit = parts[1].lowercased()
        guard let last = unit.last else { return nil }
        unit.removeLast()
        let count = unit.isEmpty ? 1 : Int(unit)
        guard let count, count > 0, count <= 86_400 else { return nil }
        let seconds: Int
        switch last {
        case "s": seconds = count
        case "m": seconds = count * 60
        case "h": seconds = count * 3600
        default: return nil
        }
        self.init(calls: calls, window: .seconds(seconds))
    }

    public var description: String { "\(calls)/\(window.components.seconds)s" }
}
