import Foundation

/// `application/x-www-form-urlencoded` bodies with Stripe's bracket notation
/// (`metadata[order_id]=42`). Exists because Stripe and the OAuth token endpoints take form
/// bodies, and the field order must be stable so the same call always sends the same bytes
/// (Stripe compares the parameters of a retried idempotency key).
enum FormEncoding {
    /// Characters left unescaped: RFC 3986 unreserved characters.
    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Encodes the fields in the order given.
    static func encode(_ fields: [(String, String)]) -> String {
        fields.map { name, value in escape(name) + "=" + escape(value) }.joined(separator: "&")
    }

    /// `prefix[key]` fields for a dictionary, sorted by key for stable bytes.
    static func nested(_ prefix: String, _ values: [String: String]) -> [(String, String)] {
        values.sorted { $0.key < $1.key }.map { ("\(prefix)[\($0.key)]", $0.value) }
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
