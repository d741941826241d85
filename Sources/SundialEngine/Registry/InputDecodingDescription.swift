/// Turns a `DecodingError` into the field path and message an API client can act on.
enum InputDecodingDescription {
    static func path(of error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "$" }
        let context: DecodingError.Context
        switch decoding {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): context = c
        case .keyNotFound(let key, let c):
            return render(c.codingPath + [key])
        @unknown default: return "$"
        }
        return render(context.codingPath)
    }

    static func message(of error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return String(describing: error) }
        switch decoding {
        case .typeMismatch(let type, _): return "expected \(type)"
        case .valueNotFound(let type, _): return "expected \(type), found null"
        case .keyNotFound: return "is required"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "is not valid JSON" : context.debugDescription
        @unknown default: return "is invalid"
        }
    }

    private static func render(_ path: [any CodingKey]) -> String {
        guard !path.isEmpty else { return "$" }
        var result = ""
        for key in path {
            if let index = key.intValue { result += "[\(index)]" } else { result += result.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
        return result
    }
}
