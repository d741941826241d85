import Foundation

/// A piece of HTML that is safe to send. Exists so escaping is the default rather than a habit:
/// string literals written in the code are taken as markup, while every `String` interpolated
/// into one (a business key, an error message, a workflow's JSON) goes through ``escape(_:)``.
/// Only another `HTML` value is inserted as it is.
///
/// ```swift
/// let row: HTML = "<td>\(workflow.businessKey)</td>"   // the key is escaped
/// ```
struct HTML: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    private(set) var text: String

    init(stringLiteral value: String) { text = value }

    init(stringInterpolation: StringInterpolation) { text = stringInterpolation.text }

    /// Markup assembled elsewhere from escaped parts (the SVG writers); never user text.
    init(trusted text: String) { self.text = text }

    static let empty: HTML = ""

    var description: String { text }

    /// `&`, `<`, `>`, `"` and `'` as character references: safe in text and in quoted attributes.
    static func escape(_ value: String) -> String {
        var result = ""
        result.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    static func + (lhs: HTML, rhs: HTML) -> HTML { HTML(trusted: lhs.text + rhs.text) }

    static func += (lhs: inout HTML, rhs: HTML) { lhs.text += rhs.text }

    /// The interpolations HTML accepts: text (escaped), numbers, and other HTML (as it is).
    struct StringInterpolation: StringInterpolationProtocol {
        var text = ""

        init(literalCapacity: Int, interpolationCount: Int) { text.reserveCapacity(literalCapacity * 2) }

        mutating func appendLiteral(_ literal: String) { text += literal }

        mutating func appendInterpolation(_ value: String) { text += HTML.escape(value) }

        mutating func appendInterpolation(_ value: String?) { text += HTML.escape(value ?? "") }

        mutating func appendInterpolation(_ value: Int) { text += String(value) }

        /// A coordinate or measure, one decimal.
        mutating func appendInterpolation(_ value: Double) { text += String(format: "%.1f", value) }

        mutating func appendInterpolation(_ value: HTML) { text += value.text }

        mutating func appendInterpolation(_ values: [HTML]) { for value in values { text += value.text } }
    }
}

extension Array where Element == HTML {
    /// The parts one after the other.
    func joined() -> HTML { HTML(trusted: map(\.text).joined()) }
}
