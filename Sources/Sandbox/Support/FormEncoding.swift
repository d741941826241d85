/// `application/x-www-form-urlencoded` bodies and query strings, kept as ordered pairs.
///
/// Stripe sends bracket notation (`metadata[order_id]=42`) and compares the parameters of
/// idempotent retries, so the parser keeps every pair verbatim and leaves nesting to the caller.
struct FormFields: Sendable, Equatable {
    private(set) var pairs: [(name: String, value: String)]

    init(pairs: [(name: String, value: String)] = []) {
        self.pairs = pairs
    }

    /// Parses `a=1&b=two+words&c%5Bd%5D=%24`; `+` means space, as in HTML forms.
    init(encoded: String) {
        var pairs: [(String, String)] = []
        for part in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(pieces[0])
            let value = pieces.count > 1 ? Self.decode(pieces[1]) : ""
            pairs.append((name, value))
        }
        self.pairs = pairs
    }

    init(bytes: [UInt8]) {
        self.init(encoded: String(decoding: bytes, as: UTF8.self))
    }

    static func == (lhs: FormFields, rhs: FormFields) -> Bool {
        lhs.pairs.count == rhs.pairs.count && zip(lhs.pairs, rhs.pairs).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    subscript(name: String) -> String? {
        pairs.last(where: { $0.name == name })?.value
    }

    /// The top-level parameter name: `metadata` for `metadata[order_id]`, `expand` for `expand[]`.
    static func rootName(of name: String) -> String {
        if let bracket = name.firstIndex(of: "[") { return String(name[..<bracket]) }
        return name
    }

    /// The entries of one hash parameter: `metadata[a]=1&metadata[b]=2` gives `["a": "1", "b": "2"]`.
    func hash(_ root: String) -> [String: String] {
        var result: [String: String] = [:]
        let prefix = root + "["
        for pair in pairs where pair.name.hasPrefix(prefix) && pair.name.hasSuffix("]") {
            let key = String(pair.name.dropFirst(prefix.count).dropLast())
            guard !key.isEmpty, !key.contains("[") else { continue }
            result[key] = pair.value
        }
        return result
    }

    /// The items of one list parameter, in order: `payment_method_types[]=card` or
    /// `payment_method_types[0]=card` both give `["card"]`.
    func list(_ root: String) -> [String] {
        let prefix = root + "["
        return pairs.filter { pair in
            guard pair.name.hasPrefix(prefix), pair.name.hasSuffix("]") else { return false }
            let index = pair.name.dropFirst(prefix.count).dropLast()
            return index.isEmpty || index.allSatisfy(\.isNumber)
        }.map(\.value)
    }

    /// A canonical form for comparing two requests' parameters regardless of pair order.
    var fingerprint: String {
        pairs.map { "\($0.name)=\($0.value)" }.sorted().joined(separator: "&")
    }

    private static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                if let high = iterator.next(), let low = iterator.next(), let value = hexValue(high, low) {
                    bytes.append(value)
                } else {
                    bytes.append(byte)
                }
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ high: UInt8, _ low: UInt8) -> UInt8? {
        func nibble(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        guard let h = nibble(high), let l = nibble(low) else { return nil }
        return h << 4 | l
    }
}
