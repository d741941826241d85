import Foundation

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
