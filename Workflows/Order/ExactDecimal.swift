import Foundation

/// A decimal written in JSON as a string (`"19.99"`), never as a JSON number, so money and weights
/// reach the workflow exactly as the caller wrote them: no binary floating point on the way.
public struct ExactDecimal: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var value: Decimal

    /// A value built in code; `fractionDigits` (2 for money) fixes how many digits it prints.
    public init(_ value: Decimal, fractionDigits: Int = 0) {
        self.value = value
        self.fractionDigits = max(0, fractionDigits)
    }

    /// Parses plain decimal text: an optional `-`, digits, and an optional fraction (`12`, `0.5`,
    /// `19.99`). Exponents, spaces, thousands separators and `+` are refused.
    public init?(text: String) {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        if index < scalars.count, scalars[index] == "-" { index += 1 }
        var digitsBefore = 0
        while index < scalars.count, ("0"..."9").contains(scalars[index]) { index += 1; digitsBefore += 1 }
        var digitsAfter = 0
        if index < scalars.count, scalars[index] == "." {
            index += 1
            while index < scalars.count, ("0"..."9").contains(scalars[index]) { index += 1; digitsAfter += 1 }
            guard digitsAfter > 0 else { return nil }
        }
        guard digitsBefore > 0, index == scalars.count, text.count <= 30,
              let decimal = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
        else { return nil }
        self.value = decimal
        self.fractionDigits = digitsAfter
    }

    /// Digits after the point as written (`"19.90"` → 2), or as given in code.
    public private(set) var fractionDigits = 0

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let text = try? container.decode(String.self) else {
            throw DecodingError.typeMismatch(String.self, .init(
                codingPath: decoder.codingPath, debugDescription: "must be a decimal string such as \"19.99\", not a JSON number"))
        }
        guard let parsed = ExactDecimal(text: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a decimal such as \"19.99\""))
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Plain text, `.` as the separator, never an exponent; `fractionDigits` digits after the
    /// point when set, else as many as the value needs.
    public var description: String {
        guard fractionDigits > 0 else { return NSDecimalNumber(decimal: value).stringValue }
        var copy = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &copy, fractionDigits, .plain)
        let text = NSDecimalNumber(decimal: rounded).stringValue
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        return "\(parts[0]).\(fraction.padding(toLength: fractionDigits, withPad: "0", startingAt: 0))"
    }

    public static func < (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool { lhs.value < rhs.value }

    public static func == (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool { lhs.value == rhs.value }

    public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
