import Foundation

/// UPS's `PackageWeight.Weight`: a string of 1 to 5 characters (`Shipping.yaml`). Exists because
/// `Decimal` pounds can print longer (`2.3333`, `150.25`) and UPS refuses the shipment then.
/// Pounds are rounded up to one decimal (an understated weight comes back as a billing
/// adjustment; UPS bills whole pounds anyway), never below `0.1`: `"0.1"` … `"150.0"`. From
/// 1,000 lb on, where one decimal would need six characters, whole pounds are sent (at most
/// `99999`; UPS takes no parcel near that heavy).
enum UPSPackageWeight {
    static let maxLength = 5

    static func text(pounds: Decimal) -> String {
        var value = max(pounds, Decimal(string: "0.1")!)
        var tenths = Decimal()
        NSDecimalRound(&tenths, &value, 1, .up)
        let text = plain(tenths, withDecimal: true)
        if text.count <= maxLength { return text }
        var whole = Decimal()
        NSDecimalRound(&whole, &value, 0, .up)
        return plain(min(whole, 99_999), withDecimal: false)
    }

    /// `value` in plain digits, with one decimal when asked (`5` → `5.0`).
    private static func plain(_ value: Decimal, withDecimal: Bool) -> String {
        let digits = NSDecimalNumber(decimal: value).description(withLocale: Locale(identifier: "en_US_POSIX"))
        return withDecimal && !digits.contains(".") ? digits + ".0" : digits
    }
}
