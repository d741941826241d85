import Foundation
import Integrations
import Sundial

/// Turns completed orders into email-marketing profiles: one per customer email (lower-cased, the
/// platform's natural key), carrying the customer's name and their latest order in the batch.
enum CustomerProfiles {
    /// Profiles for `orders` (oldest first; a later order of the same customer wins) and how many
    /// orders had no email.
    static func profiles(from orders: [(outcome: OrderOutcome, completedAt: Date)]) -> (profiles: [MarketingProfile], withoutEmail: Int) {
        var byEmail: [String: MarketingProfile] = [:]
        var order: [String] = []
        var withoutEmail = 0
        for (outcome, completedAt) in orders {
            guard let email = outcome.customer.email?.trimmingCharacters(in: .whitespaces).lowercased(), !email.isEmpty else {
                withoutEmail += 1
                continue
            }
            let names = outcome.customer.name.split(separator: " ", maxSplits: 1).map(String.init)
            if byEmail[email] == nil { order.append(email) }
            byEmail[email] = MarketingProfile(
                email: email, externalID: outcome.customer.id, firstName: names.first, lastName: names.count > 1 ? names[1] : nil,
                properties: [
                    "last_order_id": outcome.orderID,
                    "last_order_total": outcome.total.description,
                    "last_order_currency": outcome.currency.uppercased(),
                    "last_order_completed_at": LoadFileEncoding.timestamp(completedAt),
                ])
        }
        return (order.compactMap { byEmail[$0] }, withoutEmail)
    }
}
