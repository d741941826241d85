/// A plain XML rendering of a `JSONValue`, for QuickBooks callers that forget
/// `Accept: application/json` (QuickBooks answers them in XML). Objects become elements, arrays
/// repeat their element name; attributes are not reproduced.
extension JSONValue {
    func intuitXML(time: String) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        out += "<IntuitResponse xmlns=\"http://schema.intuit.com/finance/v3\" time=\"\(Self.escape(time))\">"
        if case .object(let fields) = self {
            for key in fields.keys.sorted() where key != "time" { Self.append(fields[key]!, name: key, to: &out) }
        }
        out += "</IntuitResponse>\n"
        return out
    }

    private static func append(_ value: JSONValue, name: String, to out: inout String) {
        switch value {
        case .array(let items):
            for item in items { append(item, name: name, to: &out) }
        case .object(let fields):
            out += "<\(name)>"
            for key in fields.keys.sorted() { append(fields[key]!, name: key, to: &out) }
            out += "</\(name)>"
        case .null:
            break
        default:
            out += "<\(name)>\(escape(value.stringValue ?? (value.boolValue.map { String($0) } ?? "")))</\(name)>"
        }
    }

    private static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }
}
