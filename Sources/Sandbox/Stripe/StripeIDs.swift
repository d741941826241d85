/// Stripe-style object identifiers (`pi_…`, `ch_…`, `re_…`, `evt_…`, `req_…`).
enum StripeIDs {
    static func make(_ prefix: String) -> String {
        "\(prefix)_3Sbx" + RandomIDs.alphanumeric(20)
    }

    static func requestID() -> String {
        "req_" + RandomIDs.alphanumeric(14)
    }

    /// The API version stamped on events when the request names none (stripe-python 16.1.0's pin).
    static let defaultAPIVersion = "2026-10-28.endive"
}
