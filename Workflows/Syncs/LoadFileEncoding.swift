import Foundation

/// How warehouse rows become bytes: one JSON object per line (BigQuery's
/// `NEWLINE_DELIMITED_JSON`), keys sorted, timestamps as UTC ISO 8601 with milliseconds, so the
/// same rows always give the same bytes (a rewritten file is identical, and so is its checksum).
enum LoadFileEncoding {
    static func ndjson<Row: Encodable>(_ rows: [Row]) throws -> [UInt8] {
        let encoder = encoder()
        var bytes: [UInt8] = []
        for row in rows {
            bytes += try encoder.encode(row)
            bytes.append(0x0A)
        }
        return bytes
    }

    static func json<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        let encoder = encoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        return Array(try encoder.encode(value)) + [0x0A]
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        return encoder
    }

    /// `2026-11-26T09:15:00.123Z`.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!))
    }
}
