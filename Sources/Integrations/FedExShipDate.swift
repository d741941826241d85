import Foundation

/// A FedEx ship date: `YYYY-MM-DD` in UTC. Exists so the lookup by reference states its date
/// window the way FedEx's Track API documents it.
enum FedExShipDate {
    static func text(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!).year().month().day())
    }
}
