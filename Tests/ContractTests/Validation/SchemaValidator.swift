import Foundation

/// A rule of a vendor's document that a message broke: where in the message, what is wrong, and
/// which rule of which document says so. Exists so a failing contract test reads like
/// "request body requestedShipment.labelSpecification: is required by
/// #/components/schemas/RequestedShipment (fedex.ship.json)".
struct Violation: Sendable, Equatable, CustomStringConvertible {
    /// The part of the message: `request body`, `query parameter limit`, `response 200 body`, …
    var part: String
    /// Where inside that part (`requestedShipment.shipper.address.streetLines[0]`); empty for the whole.
    var path: String
    var problem: String
    /// The rule's place in the document (`#/components/schemas/Party`, or the operation).
    var rule: String
    var document: String

    var description: String {
        "\(part)\(path.isEmpty ? "" : " \(path)"): \(problem) — \(rule) (\(document))"
    }
}

/// Checks a JSON value against an OpenAPI 3.0 schema object: the subset of JSON Schema the
/// vendors' documents use (`type`, `nullable`, `enum`, `required`, `properties`,
/// `additionalProperties`, `items`, `min/maxItems`, `min/maxLength`, `pattern`, `minimum`,
/// `maximum` and their boolean `exclusive…`, `allOf`/`anyOf`/`oneOf`, `readOnly`/`writeOnly`,
/// and the formats `date`, `date-time`, `uuid`, `int32`, `int64`, `byte`).
///
/// Hand-written because no JSON Schema validator is among the packages this project can use
/// (OpenAPIKit reads documents but does not validate instances).
///
/// Vendor quirks it follows on purpose (see `Tests/Contracts/README.md`):
/// - `minimum`/`maximum` on strings, objects and arrays (UPS uses them as length hints) constrain
///   nothing, as JSON Schema says.
/// - an `enum` marked `x-stripeBypassValidation: true` is not enforced: Stripe documents that it
///   may send other values.
struct SchemaValidator: Sendable {
    enum Direction: Sendable { case request, response }

    let document: OpenAPIDocument
    let direction: Direction
    /// Form fields, query, path and header values arrive as text: a string may then stand for an
    /// integer, a number or a boolean.
    let textEncoded: Bool
    /// Accept a value matching several `oneOf` alternatives (as `anyOf`), for a document whose
    /// alternatives overlap (USPS tracking: every summary is also a valid detail).
    var oneOfMayOverlap = false

    func validate(_ value: JSON, against schema: JSON, part: String, rule: String) -> [Violation] {
        check(value, schema, path: "", part: part, rule: rule, depth: 0)
    }

    private func violation(_ part: String, _ path: String, _ problem: String, _ rule: String) -> Violation {
        Violation(part: part, path: path, problem: problem, rule: rule, document: document.name)
    }

    private func check(_ value: JSON, _ rawSchema: JSON, path: String, part: String, rule inherited: String, depth: Int) -> [Violation] {
        let (schema, reference) = document.resolve(rawSchema)
        let rule = reference ?? inherited
        guard depth < 64, case .object(let keywords) = schema, !keywords.isEmpty else { return [] }
        var found: [Violation] = []
        let types = Self.types(keywords["type"])

        if value == .null {
            let nullable = keywords["nullable"]?.bool == true || types.contains("null")
            if !nullable && !types.isEmpty {
                return [violation(part, path, "is null, which the schema does not allow (no `nullable: true`)", rule)]
            }
            if nullable { return [] }
        }

        for member in keywords["allOf"]?.array ?? [] {
            found += check(value, member, path: path, part: part, rule: rule, depth: depth + 1)
        }
        // A one-branch anyOf/oneOf (FedEx wraps each body so) is that branch: its own findings say more.
        for keyword in ["anyOf", "oneOf"] {
            if let alternatives = keywords[keyword]?.array, alternatives.count == 1 {
                found += check(value, alternatives[0], path: path, part: part, rule: rule, depth: depth + 1)
            }
        }
        if let alternatives = keywords["anyOf"]?.array, alternatives.count > 1 {
            let outcomes = alternatives.map { check(value, $0, path: path, part: part, rule: rule, depth: depth + 1) }
            if !outcomes.contains(where: \.isEmpty) {
                found.append(noneMatched("anyOf", alternatives, outcomes, path: path, part: part, rule: rule))
            }
        }
        if let alternatives = keywords["oneOf"]?.array, alternatives.count > 1 {
            let outcomes = alternatives.map { check(value, $0, path: path, part: part, rule: rule, depth: depth + 1) }
            let matches = outcomes.filter(\.isEmpty).count
            if matches == 0 {
                found.append(noneMatched("oneOf", alternatives, outcomes, path: path, part: part, rule: rule))
            } else if matches > 1, !oneOfMayOverlap {
                found.append(violation(part, path, "matches \(matches) of the oneOf alternatives; exactly one is allowed", rule))
            }
        }

        var instance = value
        if textEncoded, case .string(let text) = value, let wanted = types.first(where: { ["integer", "number", "boolean"].contains($0) }) {
            guard let decoded = Self.decodeText(text, as: wanted) else {
                return found + [violation(part, path, "is \"\(text)\", which is not a \(wanted)", rule)]
            }
            instance = decoded
        }
        if !types.isEmpty, !types.contains(where: { Self.matches(instance, type: $0) }) {
            return found + [violation(part, path, "is a \(instance.typeName) (\(instance.excerpt)); the schema requires \(types.joined(separator: " or "))", rule)]
        }

        if let allowed = keywords["enum"]?.array, keywords["x-stripeBypassValidation"]?.bool != true,
           !allowed.contains(where: { Self.equal($0, instance) }) {
            let listed = allowed.prefix(12).map(\.excerpt).joined(separator: ", ") + (allowed.count > 12 ? ", …" : "")
            found.append(violation(part, path, "is \(instance.excerpt), not one of [\(listed)]", rule))
        }

        switch instance {
        case .string(let text):
            found += checkString(text, keywords, path: path, part: part, rule: rule)
        case .integer, .number:
            found += checkNumber(instance, keywords, path: path, part: part, rule: rule)
        case .array(let items):
            found += checkArray(items, keywords, path: path, part: part, rule: rule, depth: depth)
        case .object(let members):
            found += checkObject(members, keywords, path: path, part: part, rule: rule, depth: depth)
        case .null, .bool:
            break
        }
        return found
    }

    private func noneMatched(_ keyword: String, _ alternatives: [JSON], _ outcomes: [[Violation]], path: String, part: String, rule: String) -> Violation {
        let closest = outcomes.indices.min { outcomes[$0].count < outcomes[$1].count }!
        let name = document.resolve(alternatives[closest]).reference ?? "alternative \(closest + 1)"
        let reasons = outcomes[closest].prefix(3).map { "\($0.path.isEmpty ? "" : "\($0.path): ")\($0.problem)" }.joined(separator: "; ")
        return violation(part, path, "matches none of the \(keyword) alternatives (closest, \(name): \(reasons))", rule)
    }

    private func checkString(_ text: String, _ keywords: [String: JSON], path: String, part: String, rule: String) -> [Violation] {
        var found: [Violation] = []
        let length = text.unicodeScalars.count
        if let minimum = keywords["minLength"]?.numeric, Double(length) < minimum {
            found.append(violation(part, path, "is \(length) characters long; minLength is \(Int(minimum))", rule))
        }
        if let maximum = keywords["maxLength"]?.numeric, Double(length) > maximum {
            found.append(violation(part, path, "is \(length) characters long (\"\(text.prefix(40))\"); maxLength is \(Int(maximum))", rule))
        }
        if let pattern = keywords["pattern"]?.string {
            if let expression = try? NSRegularExpression(pattern: pattern),
               expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
                found.append(violation(part, path, "is \"\(text.prefix(40))\", which does not match the pattern \(pattern)", rule))
            }
        }
        if let format = keywords["format"]?.string, let problem = Self.formatProblem(text, format) {
            found.append(violation(part, path, problem, rule))
        }
        return found
    }

    private func checkNumber(_ value: JSON, _ keywords: [String: JSON], path: String, part: String, rule: String) -> [Violation] {
        guard let number = value.numeric else { return [] }
        var found: [Violation] = []
        if let minimum = keywords["minimum"]?.numeric {
            let exclusive = keywords["exclusiveMinimum"]?.bool == true
            if exclusive ? number <= minimum : number < minimum {
                found.append(violation(part, path, "is \(value.excerpt); the \(exclusive ? "exclusive " : "")minimum is \(minimum)", rule))
            }
        }
        if let maximum = keywords["maximum"]?.numeric {
            let exclusive = keywords["exclusiveMaximum"]?.bool == true
            if exclusive ? number >= maximum : number > maximum {
                found.append(violation(part, path, "is \(value.excerpt); the \(exclusive ? "exclusive " : "")maximum is \(maximum)", rule))
            }
        }
        if keywords["format"]?.string == "int32", !(Double(Int32.min)...Double(Int32.max)).contains(number) {
            found.append(violation(part, path, "is \(value.excerpt), outside int32", rule))
        }
        return found
    }

    private func checkArray(_ items: [JSON], _ keywords: [String: JSON], path: String, part: String, rule: String, depth: Int) -> [Violation] {
        var found: [Violation] = []
        if let minimum = keywords["minItems"]?.numeric, Double(items.count) < minimum {
            found.append(violation(part, path, "has \(items.count) items; minItems is \(Int(minimum))", rule))
        }
        if let maximum = keywords["maxItems"]?.numeric, Double(items.count) > maximum {
            found.append(violation(part, path, "has \(items.count) items; maxItems is \(Int(maximum))", rule))
        }
        if let itemSchema = keywords["items"] {
            for (index, item) in items.enumerated() {
                found += check(item, itemSchema, path: "\(path)[\(index)]", part: part, rule: rule, depth: depth + 1)
            }
        }
        return found
    }

    private func checkObject(_ members: [String: JSON], _ keywords: [String: JSON], path: String, part: String, rule: String, depth: Int) -> [Violation] {
        var found: [Violation] = []
        let properties = keywords["properties"]?.object ?? [:]
        for name in (keywords["required"]?.array ?? []).compactMap(\.string) where members[name] == nil {
            // A readOnly property is required in responses only, a writeOnly one in requests only.
            if let property = properties[name], skips(property) { continue }
            found.append(violation(part, Self.join(path, name), "is required", rule))
        }
        for name in members.keys.sorted() {
            let member = members[name]!
            let memberPath = Self.join(path, name)
            if let property = properties[name] {
                let resolved = document.resolve(property).value
                if direction == .request, resolved["readOnly"]?.bool == true {
                    found.append(violation(part, memberPath, "is readOnly: only the API sends it", rule))
                } else if direction == .response, resolved["writeOnly"]?.bool == true {
                    found.append(violation(part, memberPath, "is writeOnly: the API never returns it", rule))
                }
                found += check(member, property, path: memberPath, part: part, rule: rule, depth: depth + 1)
            } else {
                switch keywords["additionalProperties"] {
                case .bool(false)?:
                    found.append(violation(part, memberPath, "is not a property the schema allows (additionalProperties: false)", rule))
                case .object(let extra)? where !extra.isEmpty:
                    found += check(member, .object(extra), path: memberPath, part: part, rule: rule, depth: depth + 1)
                default:
                    break
                }
            }
        }
        return found
    }

    private func skips(_ property: JSON) -> Bool {
        let resolved = document.resolve(property).value
        switch direction {
        case .request: return resolved["readOnly"]?.bool == true
        case .response: return resolved["writeOnly"]?.bool == true
        }
    }

    // MARK: Helpers

    static func join(_ path: String, _ name: String) -> String {
        path.isEmpty ? name : "\(path).\(name)"
    }

    private static func types(_ value: JSON?) -> [String] {
        switch value {
        case .string(let type)?: [type]
        case .array(let types)?: types.compactMap(\.string)
        default: []
        }
    }

    private static func matches(_ value: JSON, type: String) -> Bool {
        switch type {
        case "number": value.numeric != nil
        case "integer": value.typeName == "integer"
        default: value.typeName == type
        }
    }

    private static func equal(_ lhs: JSON, _ rhs: JSON) -> Bool {
        if let left = lhs.numeric, let right = rhs.numeric { return left == right }
        return lhs == rhs
    }

    private static func decodeText(_ text: String, as type: String) -> JSON? {
        switch type {
        case "integer": Int64(text).map(JSON.integer)
        case "number": Int64(text).map(JSON.integer) ?? Double(text).map(JSON.number)
        case "boolean": text == "true" ? .bool(true) : text == "false" ? .bool(false) : nil
        default: nil
        }
    }

    private static func formatProblem(_ text: String, _ format: String) -> String? {
        func fits(_ pattern: String) -> Bool { text.range(of: pattern, options: .regularExpression) != nil }
        switch format {
        case "date":
            return fits(#"^\d{4}-\d{2}-\d{2}$"#) ? nil : "is \"\(text.prefix(40))\", not a date (YYYY-MM-DD)"
        case "date-time":
            return fits(#"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"#) ? nil : "is \"\(text.prefix(40))\", not an RFC 3339 date-time"
        case "uuid":
            return UUID(uuidString: text) == nil ? "is \"\(text.prefix(40))\", not a UUID" : nil
        case "byte":
            return fits(#"^[A-Za-z0-9+/]*={0,2}$"#) ? nil : "is not base64 (format: byte)"
        default:
            return nil
        }
    }
}
