import Foundation

/// What the order workflow needs from the books: create the order's invoice exactly once, and
/// find it again by document number. Exists so the workflow is written against this protocol and
/// ``QuickBooksClient`` (or a test double) stands behind it.
public protocol AccountingSystem: Sendable {
    /// Creates the invoice. Calling again with the same `idempotencyKey` returns the original
    /// invoice instead of creating a second one (QuickBooks `requestid`).
    func createInvoice(_ invoice: InvoiceRequest, idempotencyKey: String) async throws -> Invoice
    /// The invoice with this `DocNumber`, if any: reconciliation after a long outage, when the
    /// `requestid` may no longer be remembered.
    func findInvoice(docNumber: String) async throws -> Invoice?
}

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

/// The invoice the workflow asks for. Money is `Decimal` in the company's currency, never `Double`.
public struct InvoiceRequest: Sendable, Codable, Equatable {
    public var customerID: String
    /// The business number printed on the invoice (≤ 21 characters), e.g. the order number.
    public var docNumber: String?
    public var lines: [InvoiceLine]
    /// `YYYY-MM-DD`; QuickBooks uses today when `nil`.
    public var txnDate: String?
    public var privateNote: String?

    public init(customerID: String, docNumber: String?, lines: [InvoiceLine], txnDate: String? = nil, privateNote: String? = nil) {
        self.customerID = customerID
        self.docNumber = docNumber
        self.lines = lines
        self.txnDate = txnDate
        self.privateNote = privateNote
    }
}

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
