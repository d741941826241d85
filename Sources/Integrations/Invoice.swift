import Foundation

/// A created invoice, as the workflow records it.
public struct Invoice: Sendable, Codable, Equatable {
    public var id: String
    public var docNumber: String?
    public var totalAmount: Decimal?
    public var balance: Decimal?
    public var syncToken: String?

    public init(id: String, docNumber: String?, totalAmount: Decimal?, balance: Decimal?, syncToken: String?) {
        self.id = id
        self.docNumber = docNumber
        self.totalAmount = totalAmount
        self.balance = balance
        self.syncToken = syncToken
    }
}
