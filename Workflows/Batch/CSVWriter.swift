/// Writes RFC 4180 CSV: every record ends with CRLF; a field containing a comma, a double quote,
/// CR or LF is enclosed in double quotes, with each embedded quote doubled; other fields are
/// written as they are. Exists so every file Sundial hands to another system (the QuickBooks
/// sales summary) quotes the same, tested way.
public struct CSVWriter: Sendable {
    /// The document so far.
    public private(set) var text = ""

    public init() {}

    /// Starts the document with a header record.
    public init(header: [String]) {
        append(header)
    }

    /// Appends one record.
    public mutating func append(_ fields: [String]) {
        text += fields.map(Self.field).joined(separator: ",")
        text += "\r\n"
    }

    /// The document as UTF-8 bytes (no byte-order mark).
    public var bytes: [UInt8] { Array(text.utf8) }

    /// One field, quoted when RFC 4180 requires it. Scans Unicode scalars, not Characters: in
    /// Swift `"\r\n"` is a single Character equal to neither `"\r"` nor `"\n"`.
    public static func field(_ value: String) -> String {
        let needsQuotes = value.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
        guard needsQuotes else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
