import Foundation

extension JSONEncoder {
    /// The encoder used for everything Sundial stores: sorted keys (stable bytes for equality
    /// checks of inputs) and ISO 8601 dates.
    public static var sundial: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

extension JSONDecoder {
    /// The decoder matching ``Foundation/JSONEncoder/sundial``.
    public static var sundial: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
