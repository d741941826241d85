import Foundation

/// One invoice line: an item, a quantity and an exact unit price.
public struct InvoiceLine: Sendable, Codable, Equatable {
    public var itemID: String
    public var description: String?
    public var quantity: Decimal
    public var unitPrice: Decimal
    /// `quantity × unitPrice`, exact.
    public var amount: Decimal { quantity * unitPrice }

    public init(itemID: String, description: String? = nil, quantity: Decimal, unitPrice: Decimal) {
        self.itemID = itemID
        self.description = description
        self.quantity = quantity
        self.unitPrice = unitPrice
    }
}
