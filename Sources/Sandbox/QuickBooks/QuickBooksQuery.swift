import Foundation

/// The subset of the QuickBooks query language the orchestrator needs for reconciliation:
/// `select * | count(*) from <Entity> [where <Field> = '<v>' [and <Field> in ('a','b')]…]
/// [orderby …] [startposition n] [maxresults n]`. Field names match top-level properties.
struct QuickBooksQuery: Sendable, Equatable {
    enum Condition: Sendable, Equatable {
        case equals(field: String, value: String)
        case isIn(field: String, values: [String])
    }

    var entity: String
    var countOnly: Bool
    var conditions: [Condition]
    var startPosition: Int
    var maxResults: Int

    struct ParseError: Error {
        let detail: String
    }

    init(_ text: String) throws {
        let tokens = try Self.tokenize(text)
        var index = 0
        func peek() -> String? { index < tokens.count ? tokens[index] : nil }
        func next() throws -> String {
            guard index < tokens.count else { throw ParseError(detail: "unexpected end of query") }
            defer { index += 1 }
            return tokens[index]
        }
        func expect(_ word: String) throws {
            let token = try next()
            guard token.lowercased() == word else { throw ParseError(detail: "expected \(word.uppercased()) but found \(token)") }
        }

        try expect("select")
        let projection = try next()
        countOnly = projection.lowercased() == "count(*)"
        if !countOnly, projection != "*" {
            while let token = peek(), token.lowercased() != "from" { index += 1 }
        }
        try expect("from")
        entity = try next()
        conditions = []
        startPosition = 1
        maxResults = 100
        while let token = peek() {
            switch token.lowercased() {
            case "where", "and":
                index += 1
                let field = try next()
                let op = try next().lowercased()
                if op == "=" {
                    conditions.append(.equals(field: field, value: try Self.literal(try next())))
                } else if op == "in" {
                    guard try next() == "(" else { throw ParseError(detail: "expected ( after IN") }
                    var values: [String] = []
                    while true {
                        let item = try next()
                        if item == ")" { break }
                        if item == "," { continue }
                        values.append(try Self.literal(item))
                    }
                    conditions.append(.isIn(field: field, values: values))
                } else {
                    throw ParseError(detail: "unsupported operator \(op)")
                }
            case "orderby":
                index += 1
                _ = try next()
                if let direction = peek()?.lowercased(), direction == "asc" || direction == "desc" { index += 1 }
            case "startposition":
                index += 1
                guard let value = Int(try next()), value >= 1 else { throw ParseError(detail: "STARTPOSITION must be a positive integer") }
                startPosition = value
            case "maxresults":
                index += 1
                guard let value = Int(try next()), (1...1000).contains(value) else { throw ParseError(detail: "MAXRESULTS must be between 1 and 1000") }
                maxResults = value
            default:
                throw ParseError(detail: "unexpected token \(token)")
            }
        }
    }

    func matches(_ object: JSONValue) -> Bool {
        conditions.allSatisfy { condition in
            switch condition {
            case .equals(let field, let value): return object[field]?.stringValue == value
            case .isIn(let field, let values): return object[field]?.stringValue.map(values.contains) ?? false
            }
        }
    }

    private static func literal(_ token: String) throws -> String {
        guard token.count >= 2, token.hasPrefix("'"), token.hasSuffix("'") else { throw ParseError(detail: "expected a quoted value but found \(token)") }
        return String(token.dropFirst().dropLast()).replacingOccurrences(of: "\\'", with: "'")
    }

    private static func tokenize(_ text: String) throws -> [String] {
        var tokens: [String] = []
        var current = ""
        var iterator = Array(text).makeIterator()
        func flush() {
            if !current.isEmpty { tokens.append(current) }
            current = ""
        }
        while let character = iterator.next() {
            switch character {
            case "'":
                flush()
                var literal = "'"
                var closed = false
                while let inner = iterator.next() {
                    if inner == "\\", let escaped = iterator.next() {
                        literal += "\\" + String(escaped)
                        continue
                    }
                    literal.append(inner)
                    if inner == "'" { closed = true; break }
                }
                guard closed else { throw ParseError(detail: "unterminated string literal") }
                tokens.append(literal)
            case " ", "\t", "\n", "\r":
                flush()
            case "(", ")", ",", "=":
                if character == "(", current.lowercased() == "count" {
                    current.append(character)
                    continue
                }
                if character == ")", current.lowercased() == "count(*" {
                    current.append(character)
                    continue
                }
                flush()
                tokens.append(String(character))
            default:
                current.append(character)
            }
        }
        flush()
        return tokens
    }
}
