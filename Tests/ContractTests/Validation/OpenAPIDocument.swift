import Foundation

/// One vendor's published OpenAPI 3.0 description (a trimmed copy in `Tests/Contracts/vendor-openapi/`),
/// read as plain JSON so that nothing the vendor wrote is lost or "corrected" by a model type:
/// the validator follows `$ref`s itself and reports each rule with the component it came from.
struct OpenAPIDocument: Sendable {
    /// The file name, e.g. `fedex.ship.json`: every violation names it.
    let name: String
    let root: JSON
    /// The path part of each server URL (`/api`, `/labels/v3`), `""` when a server is at the host root.
    let basePaths: [String]
    let operations: [Operation]

    /// The folder of the copied documents, found from this file's place in the checkout.
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Contracts/vendor-openapi", isDirectory: true)

    /// Loads `name` from ``folder`` (JSON, or YAML by its extension).
    static func load(_ name: String) throws -> OpenAPIDocument {
        let url = folder.appendingPathComponent(name)
        let data = try Data(contentsOf: url)
        let root = name.hasSuffix(".json") ? try JSON.parse(data) : try JSON.parse(yaml: String(decoding: data, as: UTF8.self))
        return OpenAPIDocument(name: name, root: root)
    }

    init(name: String, root: JSON) {
        self.name = name
        self.root = root
        let servers = root["servers"]?.array ?? []
        var bases = servers.compactMap { $0["url"]?.string }.map(Self.path(ofServerURL:))
        if bases.isEmpty { bases = [""] }
        self.basePaths = Array(Set(bases)).sorted { $0.count > $1.count }
        var operations: [Operation] = []
        for (template, item) in root["paths"]?.object ?? [:] {
            let shared = item["parameters"]?.array ?? []
            for method in ["get", "put", "post", "delete", "patch"] {
                guard let operation = item[method] else { continue }
                operations.append(Operation(
                    method: method.uppercased(), template: template, definition: operation,
                    sharedParameters: shared, rootSecurity: root["security"]))
            }
        }
        self.operations = operations
    }

    /// `https://apis.usps.com/labels/v3` → `/labels/v3`; `/` or a bare host → `""`.
    static func path(ofServerURL url: String) -> String {
        var path = url
        if let range = url.range(of: "://") {
            let afterScheme = url[range.upperBound...]
            path = afterScheme.firstIndex(of: "/").map { String(afterScheme[$0...]) } ?? ""
        }
        while path.hasSuffix("/") { path.removeLast() }
        return path
    }

    /// Follows `$ref` (local JSON pointers only, as trim.py leaves them) until a value that is not
    /// a reference, and returns it with the last reference followed (for messages).
    func resolve(_ value: JSON) -> (value: JSON, reference: String?) {
        var current = value
        var reference: String?
        var hops = 0
        while let ref = current["$ref"]?.string, hops < 32 {
            reference = ref
            current = pointer(ref) ?? .null
            hops += 1
        }
        return (current, reference)
    }

    /// The value at a local JSON pointer such as `#/components/schemas/Party`.
    func pointer(_ ref: String) -> JSON? {
        guard ref.hasPrefix("#/") else { return nil }
        var current: JSON? = root
        for token in ref.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch current {
            case .object(let members)?: current = members[key]
            case .array(let values)?: current = Int(key).flatMap { values.indices.contains($0) ? values[$0] : nil }
            default: return nil
            }
        }
        return current
    }

    /// The operation serving `method path`, where `path` is what follows the API's host (the
    /// server's base path included). A template with more literal segments wins
    /// (`/v1/payment_intents/search` over `/v1/payment_intents/{intent}`).
    func operation(method: String, path: String) -> (Operation, [String: String])? {
        var best: (Operation, [String: String], Int)?
        for base in basePaths where path.hasPrefix(base) {
            let rest = String(path.dropFirst(base.count))
            for operation in operations where operation.method == method {
                guard let parameters = operation.match(rest) else { continue }
                let literals = operation.literalSegmentCount
                if best == nil || literals > best!.2 { best = (operation, parameters, literals) }
            }
        }
        return best.map { ($0.0, $0.1) }
    }

    /// One documented operation.
    struct Operation: Sendable {
        let method: String
        let template: String
        let definition: JSON
        /// Path-item parameters, overridden by the operation's own of the same name and place.
        let sharedParameters: [JSON]
        let rootSecurity: JSON?

        var title: String { "\(method) \(template)" }

        var literalSegmentCount: Int { Self.segments(template).filter { !$0.hasPrefix("{") }.count }

        /// The path parameters when `path` fits the template, else nil.
        func match(_ path: String) -> [String: String]? {
            let expected = Self.segments(template)
            let actual = Self.segments(path)
            guard expected.count == actual.count else { return nil }
            var parameters: [String: String] = [:]
            for (pattern, segment) in zip(expected, actual) {
                if pattern.hasPrefix("{") && pattern.hasSuffix("}") {
                    guard !segment.isEmpty else { return nil }
                    parameters[String(pattern.dropFirst().dropLast())] = segment.removingPercentEncoding ?? segment
                } else if pattern != segment {
                    return nil
                }
            }
            return parameters
        }

        private static func segments(_ path: String) -> [String] {
            path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        }
    }
}
