import Foundation

/// A parsed JSON value navigated by path (`json["output", "transactionShipments", 0]`). Exists
/// because the carrier and QuickBooks responses are deep and vary by carrier (an object here, an
/// array there); reading them by path is clearer than a Codable type per variant. Request bodies
/// are built with ``JSONBody`` instead.
struct JSONDocument: @unchecked Sendable {
    // @unchecked: `value` is an immutable tree of Foundation JSON values, never mutated after parsing.
    let value: Any?

    init(_ value: Any?) { self.value = value }

    init(bytes: [UInt8]) {
        value = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }

    subscript(_ path: Any...) -> JSONDocument {
        var current = value
        for step in path {
            if let key = step as? String {
                current = (current as? [String: Any])?[key]
            } else if let index = step as? Int {
                guard let array = current as? [Any], array.indices.contains(index) else { return JSONDocument(nil) }
                current = array[index]
            }
        }
        return JSONDocument(current)
    }

    var string: String? {
        if let text = value as? String { return text }
        if let number = value as? NSNumber, !(value is Bool) { return number.stringValue }
        return nil
    }

    var int: Int? {
        if let number = value as? NSNumber { return number.intValue }
        if let text = value as? String { return Int(text) }
        return nil
    }

    /// A JSON number or numeric string as an exact `Decimal`, read from its shortest decimal text.
    var decimal: Decimal? {
        if let text = value as? String { return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) }
        if let number = value as? NSNumber { return Decimal(string: number.stringValue, locale: Locale(identifier: "en_US_POSIX")) }
        return nil
    }

    /// The elements of an array; a single object counts as a one-element array (UPS sends
    /// `PackageResults` either way).
    var elements: [JSONDocument] {
        if let array = value as? [Any] { return array.map(JSONDocument.init) }
        if value is [String: Any] { return [self] }
        return []
    }

    var exists: Bool { value != nil && !(value is NSNull) }

    /// True for a JSON array (even an empty one): tells "the list is empty" from "no list at all".
    var isArray: Bool { value is [Any] }

    /// A JSON `true` or `false`, not a number (`JSONSerialization` boxes booleans as `char`
    /// numbers, and JSON numbers never come out as `char`).
    var bool: Bool? {
        guard let number = value as? NSNumber, String(cString: number.objCType) == "c" else { return nil }
        return number.boolValue
    }
}
