import Foundation
import Hummingbird

/// Small readers for what every simulator needs from a request: the raw body, a header by name,
/// Bearer and Basic credentials, and query parameters with `+`/percent decoding.
extension Request {
    /// The whole body as bytes. Simulated API bodies are small; 1 MiB is far above any of them.
    mutating func bodyBytes(limit: Int = 1 << 20) async throws -> [UInt8] {
        let buffer = try await collectBody(upTo: limit)
        return Array(buffer.readableBytesView)
    }

    func header(_ name: String) -> String? {
        guard let fieldName = HTTPFields.Element.Name(name) else { return nil }
        return headers[fieldName]
    }

    /// The token of `Authorization: Bearer <token>` (the scheme is case-insensitive).
    var bearerToken: String? {
        guard let value = header("Authorization") else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// The user and password of `Authorization: Basic base64(user:password)`.
    var basicCredentials: (user: String, password: String)? {
        guard let value = header("Authorization") else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces))
        else { return nil }
        let decoded = String(decoding: data, as: UTF8.self)
        guard let colon = decoded.firstIndex(of: ":") else { return (decoded, "") }
        return (String(decoded[..<colon]), String(decoded[decoded.index(after: colon)...]))
    }

    var queryFields: FormFields {
        FormFields(encoded: uri.query ?? "")
    }

    var contentType: String {
        (header("Content-Type") ?? "").lowercased()
    }
}
