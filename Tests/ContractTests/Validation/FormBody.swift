import Foundation

/// Decodes `application/x-www-form-urlencoded` text with Stripe's bracket notation (OpenAPI
/// `style: deepObject, explode: true`) into nested JSON: `metadata[order_id]=42` becomes
/// `{"metadata": {"order_id": "42"}}`, `payment_method_types[]=card` and
/// `payment_method_types[0]=card` become `{"payment_method_types": ["card"]}`. Leaves stay
/// strings; the validator reads them as numbers or booleans where the schema asks for one.
enum FormBody {
    static func parse(_ text: String) -> JSON {
        var root: [String: Node] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            let tokens = keyTokens(key)
            guard let first = tokens.first else { continue }
            var node = root[first] ?? .empty
            node.insert(value, at: tokens.dropFirst())
            root[first] = node
        }
        return .object(root.mapValues(\.json))
    }

    /// Splits `a[b][]` into `["a", "b", ""]` (an empty token appends to a list).
    static func keyTokens(_ key: String) -> [String] {
        guard let open = key.firstIndex(of: "[") else { return [key] }
        var tokens = [String(key[..<open])]
        var rest = key[open...]
        while rest.first == "[", let close = rest.firstIndex(of: "]") {
            tokens.append(String(rest[rest.index(after: rest.startIndex)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return tokens
    }

    private static func decode(_ text: Substring) -> String {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
    }

    /// A value being built: a leaf, a list (`[]`) or a map (named or numbered keys).
    private indirect enum Node {
        case empty
        case leaf(String)
        case list([Node])
        case map([String: Node])

        mutating func insert(_ value: String, at tokens: ArraySlice<String>) {
            guard let token = tokens.first else {
                self = .leaf(value)
                return
            }
            if token.isEmpty {
                var items: [Node]
                if case .list(let existing) = self { items = existing } else { items = [] }
                var child = Node.empty
                child.insert(value, at: tokens.dropFirst())
                items.append(child)
                self = .list(items)
            } else {
                var members: [String: Node]
                if case .map(let existing) = self { members = existing } else { members = [:] }
                var child = members[token] ?? .empty
                child.insert(value, at: tokens.dropFirst())
                members[token] = child
                self = .map(members)
            }
        }

        var json: JSON {
            switch self {
            case .empty: return .string("")
            case .leaf(let value): return .string(value)
            case .list(let items): return .array(items.map(\.json))
            case .map(let members):
                // `a[0]=x&a[1]=y` is a list written with indexes.
                let indexes = members.keys.compactMap { Int($0) }
                if !members.isEmpty, indexes.count == members.count {
                    return .array(indexes.sorted().map { members[String($0)]!.json })
                }
                return .object(members.mapValues(\.json))
            }
        }
    }
}
